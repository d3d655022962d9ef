"""Catalogue search as readers type (issue 14): misremembered titles offered as near
matches, the exact title first, authors' works, volumes and editions, and bad input
answered without an error, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot import wiring
from bot.services.catalogue_query import MAX_PHRASE, understand
from bot.services.catalogue_ranking import Candidate, ranked
from bot.services.interface import Catalogue
from bot.settings import load_settings
from tests.library_db import BACKENDS, fresh_database


@pytest.fixture(scope="module", params=BACKENDS)
def catalogue(request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalogue]:
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as url:
        yield wiring.library_services(load_settings().with_database(url)).catalogue


@pytest.mark.parametrize(("typed", "meant"), [
    ("解忧杂货铺", "解忧杂货店"),      # a wrong character
    ("白夜形", "白夜行"),              # a homophone
    ("基度山伯爵", "基督山伯爵"),      # same pinyin, other characters
])
def test_a_misremembered_title_is_offered_not_substituted(
    catalogue: Catalogue, typed: str, meant: str
) -> None:
    result = catalogue.search(typed, limit=3)
    assert result.near, typed
    assert result.hits[0].title == meant


def test_the_exact_title_goes_before_longer_titles_that_hold_it(catalogue: Catalogue) -> None:
    result = catalogue.search("人生", limit=5)
    assert not result.near
    assert result.hits[0].title == "人生"
    assert {hit.title for hit in result.hits} >= {"人生海海"}


@pytest.mark.parametrize("query", ["路遥的作品", "路遥写的书", "有没有路遥的小说", "路遥写的小说"])
def test_author_queries_find_the_authors_works(catalogue: Catalogue, query: str) -> None:
    result = catalogue.search(query, limit=5)
    assert not result.near and result.hits, query
    assert all("路遥" in hit.author for hit in result.hits)


def test_a_one_character_title_after_its_author_is_the_title(catalogue: Catalogue) -> None:
    result = catalogue.search("玛格丽特的飘", limit=3)
    assert not result.near and result.hits[0].title == "飘（上下）"


@pytest.mark.parametrize(("query", "volume"), [
    ("三体第二部", "三体Ⅱ：黑暗森林"), ("算法第四版", "算法（第4版）"),
])
def test_volumes_and_editions(catalogue: Catalogue, query: str, volume: str) -> None:
    assert catalogue.search(query, limit=3).hits[0].title == volume


@pytest.mark.parametrize("query", [
    "！？。，", "书" * 500, '"', "*", "三体 NEAR 活着", "三体 AND", "title:三体", "-三体",
    '三体" OR "', "活着*", "NOT", "()", "9787506365438",  # the last: a wrong check digit
])
def test_bad_input_gets_no_error(catalogue: Catalogue, query: str) -> None:
    result = catalogue.search(query, limit=3)
    assert result.total >= len(result.hits)


def test_a_title_the_library_lacks_gets_no_confident_answer(catalogue: Catalogue) -> None:
    result = catalogue.search("量子纠缠烹饪大全")
    assert result.near or not result.hits
    # an edition asked for names no title: not the books whose titles hold 中文版
    result = catalogue.search("巴尔扎克的高老头，中文版")
    assert result.near or not result.hits
    assert catalogue.search("Effective Java 中文版").hits[0].title.startswith("Effective Java")


def test_words_found_only_in_a_summary_are_no_title_the_library_holds(
        catalogue: Catalogue) -> None:
    """"群雄逐鹿" is in the summary of 三国演义, not a book of that name: offered as near."""
    result = catalogue.search("群雄逐鹿")
    assert result.near and result.hits[0].title.startswith("三国演义")
    assert not catalogue.search("讲群雄逐鹿的书").near  # books on a topic, as asked


def test_a_long_message_is_cut_to_a_query() -> None:
    assert len(understand("我想找" + "书" * 500).phrase) <= MAX_PHRASE


def book(bib_id: int, title: str, subjects: str = "", on_shelf: int = 1) -> Candidate:
    return Candidate(bib_id=bib_id, title=title, author="某作者", publisher="",
                     subjects=subjects, summary="", on_shelf=on_shelf)


def test_children_s_books_first_when_the_reader_asks_for_a_child() -> None:
    adult, child = book(1, "恐龙的世界"), book(2, "恐龙的故事", subjects="绘本、儿童")
    order = [c.bib_id for _, c in ranked(understand("给孩子找恐龙的书"), [adult, child],
                                         keep_all=False)]
    assert order == [2, 1]
    order = [c.bib_id for _, c in ranked(understand("恐龙"), [adult, child], keep_all=False)]
    assert order[0] == 1  # otherwise the index's order stands


def test_ties_go_to_the_title_with_more_copies_on_the_shelf() -> None:
    few, many = book(1, "活着", on_shelf=0), book(2, "活着", on_shelf=3)
    assert [c.bib_id for _, c in ranked(understand("活着"), [few, many], keep_all=True)] == [2, 1]


def test_the_words_that_ask_for_an_authors_novels_are_no_words_of_the_book() -> None:
    """"…写的小说" asks for the author's books: 小说 need not be in them."""
    assert understand("路遥写的小说").words == ("路遥",)


def test_a_short_name_or_a_bracketed_title_keeps_every_character() -> None:
    # 本 is a function word elsewhere ("这本"), not in a name of two characters
    assert understand("本巴").words == ("本", "巴")
    assert understand("有没有《本巴》").words == ("本", "巴")
    assert understand("这本书").words == ()
    assert understand("小王子").words == ("小王子",)
