"""Catalogue search from the chat, with per-branch availability and paging."""

from __future__ import annotations

import re
from datetime import date
from itertools import islice
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import earlier_answers, previous
from actions.dates import DAY_WORDS, describe_day
from actions.faq_answers import (
    QUESTION,
    FaqFirst,
    about_the_other_library,
    answer_if_certain,
    answer_in_context,
    answer_or_menu,
    mishap_answered,
)
from actions.library import LibraryAction, channel_of, payload, services
from actions.reader_text import latest_entity_values, quote
from bot import clock
from bot.branches import branch_aliases
from bot.card_numbers import CARD_GIVEN
from bot.outcome import outcome
from bot.question_words import (
    ACCOUNT_OR_RULE,
    ASKS,
    NAMES_EXAMPLES,
    OWN_LOAN,
    clauses,
    wants_a_book,
)
from bot.services.catalogue_query import (
    FILLER,
    NAME_FORGOTTEN,
    VOLUME_ONLY,
    asks_for_a_volume,
)
from bot.services.catalogue_ranking import NEAR, main_title, similarity, title_parts
from bot.services.faq_retrieval import literal_bigrams
from bot.services.interface import BranchAvailability, SearchResult, TitleHit
from bot.services.search_text import isbn13, looks_like_isbn, normalise, title_key, tokens
from bot.title_names import half_called

PAGE_SIZE = 3
MIN_TITLE_KEY, MAX_TITLE_KEY = 2, 30
#: a bare message names a title when it is at least this share of its main title
TITLE_SHARE = 0.5
#: a bare phrase (looks_like_a_title): Chinese words, digits, Latin letters, a separator
BARE_PHRASE = re.compile(r"[\u4e00-\u9fff·0-9A-Za-z：:，,\s]{2,15}")
CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")
#: ... that neither asks, nor speaks of the reader (a title may begin so: 我的 and three
#: more characters, not of the account: 我的欠款明细) or the assistant, nor hesitates, nor
#: tells what happened (a clause ending in 了: "让人拿走了")
MY_TITLE = r"我的(?![借欠预到卡证书账罚还续])[\u4e00-\u9fff]{3}"
NOT_A_TITLE = re.compile(f"{ASKS.pattern}|吧|^(?!{MY_TITLE})我|(?<=.)我|你|您|"
                         r"啊|呃|嗯|哦|这个|那个|谢|好的|不是|不要|没有|了(?=[，,\s]|$)")



def typed_query(text: str) -> str:
    """The reader's words as a query, without the words that only ask; a card number given
    to verify by ("JL00000002 帮我约本鼠疫", "…卡号jl 0000 0002") is no part of a title."""
    return FILLER.sub(" ", CARD_GIVEN.sub(" ", text)).strip()


#: a book named by what it is called ("讲航海的那本叫某某", "有本书名叫某某"): the title
CALLED = re.compile(r"(?:(?<=[书本的说])(?:叫做?|名叫)|书名(?:是|叫))《?"
                    r"(?P<title>[^，,。？?！!\s《》]{2,20}?)》?(?=的书|这本|那本|你们|[吗，,。？?！!\s]|$)")


#: ... not the title forgotten or described ("那本叫什么来着", "叫不上名字了", "书名是英文的")
NOT_CALLED = re.compile(f"{ASKS.pattern}|^不|的$|忘")


def search_query(tracker: Tracker) -> str:
    """What to search for: a title the reader says a book is called, else the entities
    the NLU found, else the reader's words (a volume alone, of the title searched before)."""
    called = CALLED.search(tracker.latest_message.get("text", ""))
    if called and not NOT_CALLED.search(called.group("title")):
        return called.group("title")
    remembered = half_called(tracker.latest_message.get("text", ""))
    if remembered and not any(latest_entity_values(tracker, entity)
                              for entity in ("title", "isbn", "subject")):
        # with the author named, if any ("某作家那本，叫啥某某")
        return " ".join([*latest_entity_values(tracker, "author"), remembered])
    parts = [
        value
        for entity in ("isbn", "title", "author", "subject")
        for value in latest_entity_values(tracker, entity)
    ]
    text = tracker.latest_message.get("text", "")
    if text.startswith("/") and not parts:
        return ""
    query = " ".join(parts) if parts else typed_query(text)
    earlier = tracker.get_slot("search_query")
    if earlier and (volume := VOLUME_ONLY.fullmatch(query)):
        # "第二部呢" after 三体's results ("帮我预约第二部" after 三体 第二部's; "第三部"
        # after them: 三体 第三部)
        title = VOLUME_ONLY.sub(" ", earlier).strip() or earlier
        return f"{title} {volume.group(1)}"
    return query


def imprint_of(hit: TitleHit) -> str:
    return "，".join(str(part) for part in (hit.publisher, hit.year) if part)


def branch_note(branch: BranchAvailability, today: date) -> str:
    """Where to find an available copy, or when the first copy is due back."""
    if branch.on_shelf and branch.location:
        return branch.location
    if branch.next_due:
        return f"最早 {describe_day(branch.next_due, today)} 到期归还"
    return ""


def hit_text(hit: TitleHit) -> str:
    today = clock.today()
    imprint = imprint_of(hit)
    lines = [f"《{hit.title}》 {hit.author}" + (f"（{imprint}）" if imprint else ""),
             f"索书号：{hit.call_number}"]
    for branch in hit.availability:
        note = branch_note(branch, today)
        lines.append(f"· {branch.branch}：在架 {branch.on_shelf}/{branch.total} 册"
                     + (f"，{note}" if note else ""))
    if not hit.availability:
        lines.append("· 暂无可借复本")
    return "\n".join(lines)


def hold_button(hit: TitleHit) -> dict[str, str]:
    return {"title": f"预约《{hit.title}》",
            "payload": payload("place_reservation", bib_id=str(hit.bib_id))}


def book_card(hit: TitleHit) -> dict[str, Any]:
    """A search hit as structured data, for channels that show book cards (the widget)."""
    today = clock.today()
    return {
        "bib_id": hit.bib_id, "title": hit.title, "author": hit.author,
        "imprint": imprint_of(hit), "call_number": hit.call_number,
        "availability": [{"branch": branch.branch, "on_shelf": branch.on_shelf,
                          "total": branch.total, "note": branch_note(branch, today)}
                         for branch in hit.availability],
        "hold": hold_button(hit),
    }


def show_results(
    dispatcher: CollectingDispatcher, query: str, result: SearchResult, offset: int
) -> list[dict[str, Any]]:
    paged = query  # what "更多结果" searches again
    if not result.hits and not offset and (by_author := by_the_author_named(query)):
        paged, result = by_author
    if not offset and (lacking := title_the_author_lacks(query, result)):
        # "某作家的某书" that a reply of any kind searched: the author's other books are
        # no answer to it
        return show_the_authors_other_books(dispatcher, *lacking, result)
    if not result.hits:
        more = "更多" if offset else ""
        dispatcher.utter_message(
            text=f"没有找到与“{quote(query)}”相关的{more}馆藏。您可以换个关键词，"
            "或向图书馆荐购这本书，也可以转人工咨询。",
            buttons=[{"title": "我要荐购", "payload": "我想荐购一本书"},
                     {"title": "转人工", "payload": "/request_human"}],
            **outcome("search", no_match=True, titles=[]),
        )
        return [SlotSet("search_query", None), SlotSet("search_offset", None)]
    shown_to = offset + len(result.hits)
    total = f"超过 {result.total}" if result.total >= 1000 else str(result.total)
    titles, bib_ids = [hit.title for hit in result.hits], [hit.bib_id for hit in result.hits]
    if result.near and not offset:
        # the library lacks what was asked for, unless it was misremembered: the near
        # matches, and 荐购 if none of them is it
        # (a book told of by what it is about has no words to repeat: "讲某事的")
        lacked = "按您说的内容，" if ABOUT_A_TOPIC.search(query) else \
            f"没有找到与“{quote(query)}”完全一致的馆藏。"
        dispatcher.utter_message(
            text=f"{lacked}您要找的是不是下面这些？都不是的话，可以向图书馆荐购。",
            buttons=[{"title": "都不是，我要荐购", "payload": "我想荐购一本书"}],
            **outcome("search", no_match=True, titles=titles, bib_ids=bib_ids, near=True))
    else:
        dispatcher.utter_message(
            text=f"找到 {total} 条相关馆藏，这是第 {offset + 1}–{shown_to} 条：",
            **outcome("search", titles=titles, bib_ids=bib_ids, near=result.near))
    return show_hits(dispatcher, paged, result, offset)


def by_the_author_named(query: str) -> tuple[str, SearchResult] | None:
    """When nothing is found for words that name a catalogued author ("某作家拿过大奖的
    那部"), that author's name and books, offered as near matches ("是不是下面这些");
    None when the words name no author or the search finds nothing."""
    author = services().catalogue.author_named(query)
    found = services().catalogue.search(author, limit=PAGE_SIZE) if author else None
    if not author or not found or not found.hits:
        return None
    return author, SearchResult(hits=found.hits, total=found.total, near=True)


def show_hits(dispatcher: CollectingDispatcher, query: str, result: SearchResult, offset: int
              ) -> list[dict[str, Any]]:
    """The books found, after the line that says what they are."""
    shown_to = offset + len(result.hits)
    # Cards for the widget (text-only channels ignore custom payloads); the widget skips
    # the text replies below whose only button is a card's hold button.
    dispatcher.utter_message(json_message={"type": "books",
                                           "books": [book_card(hit) for hit in result.hits]})
    for hit in result.hits:
        dispatcher.utter_message(text=hit_text(hit), buttons=[hold_button(hit)])
    if result.total > shown_to:
        dispatcher.utter_message(
            text="想看更多结果，请点“更多结果”，或者告诉我作者、出版社来缩小范围。",
            buttons=[{"title": "更多结果", "payload": "/show_more"}],
        )
    return [SlotSet("search_query", query), SlotSet("search_offset", float(shown_to))]


#: "余华的第七天", "某作者写的《某书》": an author's name, then a title
AUTHOR_AND_TITLE = (
    # (words after it, apart, say more of it: "某作家的某书 某人物那本")
    # (its newest said between them: "某作家新出的某书")
    re.compile(r"^(?P<author>[\u4e00-\u9fff·]{2,8}?)(?:新出|最新出|刚出|新写|最近出)?(?:写?的|\s+)《?"
               r"(?P<title>[\u4e00-\u9fff·：:]{2,15})》?(?:[\s，,].*)?$"),
    # ... typed the other way round, set apart ("某书 某作家", "某书 某作家的")
    re.compile(r"^《?(?P<title>[\u4e00-\u9fff·：:]{2,15})》?\s+"
               r"(?P<author>[\u4e00-\u9fff·]{2,8}?)(?:写?的)?$"),
)
#: ... not a kind of the author's books ("余华的小说", "路遥的那本")
A_KIND_OF_BOOK = re.compile(r"书|小说|作品|散文|诗|文集|全集|那本|这本|那套|新作|代表作|传记|哪本|"
                            # ... or which is best ("某作家 最好看的 是哪本")
                            r"的$|^最(好看|新|有名|火|出名|经典)|适合|比较|好看|值得|"
                            # ... a kind, or which of them ("金庸 武侠", "东野圭吾 最新")
                            r"武侠|科幻|推理|悬疑|言情|最新|新出|全部|所有|其他|别的|随便|系列|全套")


def title_the_author_lacks(text: str, result: SearchResult) -> tuple[str, str] | None:
    """The author and the title of "余华的第七天" when every book found is that author's
    and none of the author's books is that title: the library lacks the book asked for
    (its other books are no answer to it)."""
    typed = normalise(typed_query(text))
    return next((lacking for pattern in AUTHOR_AND_TITLE if (found := pattern.match(typed))
                 and (lacking := the_author_lacks(found["author"], found["title"], result))),
                None)


def tagged_title_the_author_lacks(tracker: Tracker, result: SearchResult
                                  ) -> tuple[str, str] | None:
    """The same for the one title and the one author the NLU found in the message, however
    the words around them go ("某书在馆里吗，作者是某作家")."""
    titles = latest_entity_values(tracker, "title")
    authors = latest_entity_values(tracker, "author")
    if len(titles) != 1 or len(authors) != 1:
        return None
    return the_author_lacks(normalise(authors[0]), normalise(titles[0]), result)


def the_author_lacks(author: str, title: str, result: SearchResult) -> tuple[str, str] | None:
    """(author, title) when every book found is the author's, the title names no kind of
    book nor a branch, and none of the author's books is that title (or one near it)."""
    if not result.hits or result.near or A_KIND_OF_BOOK.search(title) \
            or not all(author in normalise(hit.author) for hit in result.hits) \
            or any(alias in title or title in alias for alias, _name in branch_aliases()):
        return None  # "余华 河西有吗": where, not what
    works = services().catalogue.search(author, limit=AUTHOR_BOOKS).hits
    # one of them, or one misspelt ("某书错一字 某作家")
    return None if any(title_key(title) in title_key(hit.title)
                       or similarity(title, main_title(hit.title)) >= NEAR
                       for hit in works) else (author, title)


def show_the_authors_other_books(dispatcher: CollectingDispatcher, author: str, title: str,
                                 result: SearchResult) -> list[dict[str, Any]]:
    dispatcher.utter_message(
        text=f"馆里暂时没有{author}的《{title}》，可以向图书馆荐购。馆藏里有{author}的这些书：",
        buttons=[{"title": "我要荐购", "payload": "我想荐购一本书"}],
        **outcome("search", no_match=True, titles=[hit.title for hit in result.hits],
                  bib_ids=[hit.bib_id for hit in result.hits]))
    return show_hits(dispatcher, author, result, offset=0)


def several_or_lacking(dispatcher: CollectingDispatcher, text: str, result: SearchResult
                       ) -> list[dict[str, Any]] | None:
    """A search for each of several titles a message joins ("甲书和乙书"), or the author's
    other books said to be such when the title named is not among them; None when the
    message names one title."""
    if several := titles_joined(text, result):
        return [event for found in several
                for event in show_results(dispatcher, *found, offset=0)]
    if lacking := title_the_author_lacks(text, result):
        return show_the_authors_other_books(dispatcher, *lacking, result)
    return None


def show_found(dispatcher: CollectingDispatcher, text: str, query: str, result: SearchResult
               ) -> list[dict[str, Any]]:
    """The results of a search for what a message names, whichever action found it."""
    shown = several_or_lacking(dispatcher, text, result)
    return shown if shown is not None else show_results(dispatcher, query, result, offset=0)


#: the author's country before the name ("[日] ", "（美）")
COUNTRY = re.compile(r"^\s*[\[［(（][^\]］)）]{1,4}[\]］)）]\s*")
#: ... and what the author did, and who else did ("毛姆 著；某某 译")
ROLE = re.compile(r"\s+(著|编著|主编|编|译|绘|文|图|口述)(\s*[；;,，].*)?$|\s*[；;].*$")


def author_name(author: str) -> str:
    """The author's name alone, without the country or the translator ("柏拉图" of
    "柏拉图 著；王太庆 译")."""
    return ROLE.sub("", COUNTRY.sub("", author)).strip()


#: what a book is about, said after its title ("…讲一个少年放风筝的那本")
DESCRIBES_A_BOOK = re.compile(r"讲|写|那本|这本|主角|说的是")


def held_title(text: str, near_too: bool = False) -> tuple[str, SearchResult] | None:
    """The search for what the reader typed if it names a title the catalogue holds
    (most of it: "明朝那些事" for 明朝那些事儿（1-9）) or its author — a high-precision signal for
    a bare title the NLU did not recognise ("红楼梦", "置身事内"): (the query, its
    results); None otherwise. With near_too, also a misremembered title ("百年孤读"):
    near matches whose best is as near to all the reader typed as the search requires,
    offered as "您要找的是不是"."""
    query = FILLER.sub(" ", text).strip()
    key = title_key(query)
    if not MIN_TITLE_KEY <= len(key) <= MAX_TITLE_KEY:
        return None
    result = services().catalogue.search(query, limit=PAGE_SIZE)
    if result.near:
        best = result.hits[0] if result.hits else None
        near = best is not None and similarity(query, main_title(best.title)) >= NEAR
        return (query, result) if near_too and near else None
    # the words as typed, and each group the reader set apart ("小王子 给三年级的娃")
    typed = {words for words in (key, *map(title_key, re.split(r"[\s，,]+", query)))
             if len(words) >= MIN_TITLE_KEY}
    for hit in result.hits:
        title = title_key(main_title(hit.title))
        # the author in full, without the country, or a foreign one by the last name
        # (道金斯 of "[英] 理查德·道金斯")
        name = author_name(hit.author)
        authors = {title_key(hit.author), title_key(name), title_key(name.rsplit("·", 1)[-1])}
        # most of the title, or of a part of it after a series' name
        if (any(words in part and len(words) >= TITLE_SHARE * len(part)
                for part in map(title_key, title_parts(hit.title)) for words in typed)
                or (len(title) >= 2 and title in key)
                or any(len(author) >= 2 and author in key for author in authors)):
            return query, result
    return None


#: what a clause asks for: the words after its last verb of wanting a book ("给孩子找…",
#: "想借…", "有没有…")
BOOK_ASKED_FOR = re.compile(r"(?:找|借|有没有|想看|想读)(?:一下|一?本)?"
                            r"(?!.*(?:找|借|有没有|想看|想读))(?P<asked>.{2,})$")


def title_in_a_clause(text: str) -> tuple[str, SearchResult] | None:
    """A title the library holds, asked for in a clause of a longer message ("给上初中的儿子
    找城南旧事，要插图版的"): the words after the verb, with their results (see held_title),
    else a title typed whole in a clause (see title_typed_whole).
    A title of two characters is too easily part of other words ("找人生方向") to count."""
    if OWN_LOAN.search(normalise(text)):
        return None  # the reader's own loan ("借的某书落在车上不见了"): no book asked for
    parts = clauses(text)
    if len(parts) < 2:
        return title_typed_whole(text)
    asked = (found.group("asked") for part in parts if (found := BOOK_ASKED_FOR.search(part)))
    return next((held for words in asked if (held := held_title(words)) is not None
                 and len(title_key(main_title(held[1].hits[0].title))) > MIN_TITLE_KEY),
                None) or title_typed_whole(text)


#: a message that asks for a book: whether it is held, or to borrow, read or be
#: recommended one
ASKS_FOR_A_BOOK = re.compile(r"有没有|有吗|有么|在架|在不在|能借|想借|借来|借得?到|可借|"
                             r"看看|读读|想看|想读|推荐|找(?![不回到])|书[吗么]")
#: a word in Latin letters that names a subject or a title ("Python", "JavaScript")
LATIN_WORD = re.compile(r"[a-z][a-z+#]{3,}")


def title_typed_whole(text: str) -> tuple[str, SearchResult] | None:
    """A title the catalogue holds, typed whole in one clause of a message that asks for a
    book, whatever the words around it ("去外地出差前，想先读读某书"; the clause's search may
    find it only among near matches, for the other words): the search for that title. Or a
    word in Latin letters that held titles contain ("想学Python，推荐几本"): the search for
    that word. Checking the titles the search found, not a list of every title, keeps
    this a query per clause however large the catalogue; titles of two characters are
    too easily part of other words to count."""
    plain = normalise(text)
    if not ASKS_FOR_A_BOOK.search(plain) or OWN_LOAN.search(plain):
        return None
    for clause in clauses(plain):
        key = title_key(clause)
        if not MIN_TITLE_KEY < len(key) <= MAX_TITLE_KEY:
            continue
        words = tokens(clause)
        # the clause, then without its first words: a search needs every word, and the
        # title usually ends the clause ("…想带孩子先看看某书")
        for start in range(len(words)):
            if asked := _title_or_word_found(" ".join(words[start:]), key):
                return asked, services().catalogue.search(asked, limit=PAGE_SIZE)
    return None


def _title_or_word_found(query: str, key: str) -> str | None:
    """The longest main title among the query's results that the clause (its key) holds
    whole, else a Latin word of the clause that one of the titles holds."""
    hits = services().catalogue.search(query, limit=PAGE_SIZE).hits
    titles = [title for hit in hits
              if len(title := title_key(main_title(hit.title))) > MIN_TITLE_KEY
              and title in key]
    words = [word for word in LATIN_WORD.findall(key)
             if any(word in title_key(hit.title) for hit in hits)]
    return max(titles, key=len, default=None) or next(iter(words), None)


def title_asked_for(text: str) -> tuple[str, SearchResult] | None:
    """The search for a title the catalogue holds that a message names: all it says (see
    held_title), a clause that asks for it (title_in_a_clause), or the thing it asks the
    library to have ("有某书这本图画书吗": thing_asked_for)."""
    return held_title(text) or title_named_within(text)


def title_named_within(text: str) -> tuple[str, SearchResult] | None:
    """title_asked_for, less all the message says as a title."""
    return title_in_a_clause(text) or (
        held_title(thing) if (thing := thing_asked_for(text)) else None)


#: what asks a rule of a title, or about something made of it, rather than for the book
#: ("某书能借多久", "某书的有声书", "某书的读书会")
RULE_OF_A_TITLE = re.compile(r"多久|几天|几次|多长|续借|押金|有声|听|电子版|电子书|"
                             r"活动|读书会|讲读|讲座")
#: how long a held title must be to outweigh the FAQ's answer (not 人生, 活着: words too)
TITLE_OVER_AN_ANSWER = 3


def title_beside_an_answer(text: str, answered: str) -> tuple[str, SearchResult] | None:
    """A title the catalogue holds, asked for in a message the FAQ answered with an entry
    (`answered`: its question) that does not speak of it ("有某书吗 开学前要读完" is
    no question about children's e-books): its search — unless the message asks a rule
    or about an account ("某书能借多久").
    A title of fewer than TITLE_OVER_AN_ANSWER characters is too often a word too."""
    plain = normalise(text)
    # a held title typed alone, whole ("如何…一本书" reads like a question)
    alone = held_title(text)
    if alone and alone[1].hits and len(key := title_key(plain)) >= TITLE_OVER_AN_ANSWER \
            and key == title_key(main_title(alone[1].hits[0].title)):
        return alone
    if not (ASKS_FOR_A_BOOK.search(plain) or thing_asked_for(text)) \
            or ACCOUNT_OR_RULE.search(plain) or RULE_OF_A_TITLE.search(plain) \
            or NAMES_EXAMPLES.search(plain):
        return None
    found = alone or title_named_within(text)  # (all it says searched once, above)
    if not found or not found[1].hits:
        return None
    title = title_key(main_title(found[1].hits[0].title))
    if len(title) < TITLE_OVER_AN_ANSWER or title not in title_key(plain) \
            or title in title_key(answered):
        return None
    return found


def search_held_title(dispatcher: CollectingDispatcher, text: str
                      ) -> list[dict[str, Any]] | None:
    """The results for a message naming a title or author the catalogue holds, or a
    title misremembered (see held_title); None if it names none."""
    found = held_title(text, near_too=True)
    return show_found(dispatcher, text, *found) if found else None


FaqFirst.title_searches.append(search_held_title)


def looks_like_a_title(text: str) -> bool:
    """A short phrase of Chinese words that asks nothing and says nothing of the reader
    ("穷查理宝典", "红岩 罗广斌"): what a reader types to find a book."""
    return (BARE_PHRASE.fullmatch(text.strip()) is not None
            and len(CJK_CHAR.findall(text)) >= 2 and not NOT_A_TITLE.search(text))


#: words of a request for books ("有没有讲拖延的书"; not 借书, 还书, 图书馆, nor the
#: reader's own books: 借的书, 约好的书, 某本书, 手头这本书), which a search answers even when
#: it finds none
BOOK_WORDS = re.compile(r"(?<![借还丢我约订])(?<!约好)(?<!订好)的书|(?<![某这那])本书|书籍|"
                        # a book told of by what it tells ("读过一本讲…", "找本讲…")
                        r"(?<=[一那这找])本(?=(?:讲|关于)[^，,。？?]{1,30}的)|"
                        r"图书(?!馆)|绘本|小说|作品|著作|读物|教材|杂志|期刊|漫画|诗集|文集|全集|传记")


#: the name of a book asked for by what it tells ("…的那本童话叫啥", "是哪本书")
NAME_ASKED = re.compile(r"[这那]本[^，,。？?\s]{0,12}叫(啥|什么)|是哪一?本|"
                        r"(书名|(书|绘本|小说)的?名字)(是|叫)?(啥|什么)|"
                        f"{NAME_FORGOTTEN.pattern}")  # ... or forgotten


#: books asked for by what they are about ("讲…的", "关于…")
ABOUT_A_TOPIC = re.compile(r"(?<![听开办])讲(?![座坛课解究])|关于")


def clause_of_books(text: str) -> tuple[str, SearchResult] | None:
    """When a message finds nothing as a whole ("有讲某学科的书没 图多点的"), the
    first clause that asks for books by their kind or topic, searched alone if it finds
    any (the other clauses say what the reader would like, or where they look)."""
    every = clauses(text)
    parts = [part for part in every if BOOK_WORDS.search(part) or ABOUT_A_TOPIC.search(part)]
    if len(every) < 2 or not parts or OWN_LOAN.search(normalise(parts[0])):
        return None
    query = typed_query(parts[0])
    found = services().catalogue.search(query, limit=PAGE_SIZE)
    return (query, found) if found.hits else None


def books_described(text: str) -> tuple[str, SearchResult] | None:
    """The books a message describes by their kind ("某作家那本…的绘本", "想找绘本 讲…那
    个"): its words searched, when they find books outright, else its clause that asks for
    books on a topic (see clause_of_books); None when it speaks of no book so, or nothing
    is found."""
    name_asked = NAME_ASKED.search(text)
    if not BOOK_WORDS.search(text) and not name_asked:
        return None
    query = typed_query(NAME_ASKED.sub(" ", text))  # the words that tell, not the asking
    found = services().catalogue.search(query, limit=PAGE_SIZE)
    # a reader who asks what the book is called knows only what it tells: books found by
    # their summary are what is asked for, offered as "是不是"
    if found.hits and (not found.near or name_asked):
        return query, found
    return clause_of_books(text) if ABOUT_A_TOPIC.search(text) else None


def names_a_book(tracker: Tracker) -> bool:
    """Whether the NLU found a title, an author, an ISBN or a subject in the message."""
    return any(latest_entity_values(tracker, entity)
               for entity in ("isbn", "title", "author", "subject"))


def asks_no_book(tracker: Tracker) -> bool:
    """A message the NLU took for a search that names no title, author or ISBN, asks
    for no books, and is a question or a sentence rather than a title ("借的书落在车上
    了，找不回来")."""
    text = tracker.latest_message.get("text", "")
    return not names_a_book(tracker) and not BOOK_WORDS.search(text) and (
        bool(QUESTION.search(normalise(text))) or not looks_like_a_title(text))


#: using a card in a way the rules allow or not ("闺女持本人这张证可否借绘本", "凭别人的卡能
#: 借吗", "省图那张卡 带过来行不行"): a rule question the NLU may take for a search of its
#: other words
USES_A_CARD = re.compile(r"(拿|用|持|凭|带)[^，,。？?！!]{0,4}[证卡]|[证卡]\s*(拿|带)(过|到这)来")


def asks_how_a_card_is_used(tracker: Tracker) -> bool:
    """A question about using a card, no title, author or ISBN named."""
    text = normalise(tracker.latest_message.get("text", ""))
    return not names_a_book(tracker) and "《" not in text and bool(USES_A_CARD.search(text)) \
        and bool(QUESTION.search(text))


#: asking whether the library has or lends a thing ("某作家的某书馆里收了没", "某某 某书
#: 能借吗", "想借某书")
ASKS_IF_LENT = re.compile(r"有没有|有吗|有么|有没得?|有伐|有无(?![线障])|能借到?[吗不么没]?|"
                          r"借得到[吗不么没]?|"
                          r"可以借[吗不么]|收了没|收没收|有收[吗么没]|收录了?[吗没]|"
                          r"想?借来(?:看看|读读|看|读)|^(请问)?我?想借|"
                          # "有某某传奇吗": 有 before a thing of a few words, 吗 after it
                          r"^(?:请问)?(?:你们馆?|馆里)?有(?![没无收])"
                          r"(?=[^，,。？?！!]{2,15}?[吗么][？?！!。~～\s]*$)")
#: the question's 吗 after the thing asked for ("有某某传奇吗")
QUESTION_END = re.compile(r"[吗么]$")
SENTENCE_BREAK = re.compile(r"[，,。；;！!？?]")
#: the thing said to be what someone wants to read ("孩子要看某书 有没有"): a book, whatever
#: the FAQ's candidates share with its words (小狗 of a title with the pets' entry)
WANTS_TO_READ = re.compile(r"^((你好|您好|请问|在吗)\W*)?(给)?"
                           r"(孩子|娃|儿子|女儿|闺女|宝宝|小孩|我)?(要|想)(看|读)")
#: ... not a kind of reading the FAQ tells of ("想看电子书 有没有", "孩子想看绘本")
KINDS_OF_READING = re.compile(r"电子|报|刊|外文|古籍|绘本|漫画|杂志|资源|数据库|有声|书$|小说$")
#: words around the thing asked for that are no part of its name (and who wants to read it)
AROUND_A_THING = re.compile(r"请问|[这那][本套部个]书?|你们馆?|馆里|贵馆|图书馆|金图|这里|这儿|"
                            f"{WANTS_TO_READ.pattern}|"
                            r"[，,。？?！!~～\s]+")


#: a thing asked for has at least this many Chinese characters ("有没有书" names none)
MIN_THING = 2
#: ... and is no room, device or service ("琴房", "投影仪", "夜场"), no state ("欠费了")
#: and no thing counted ("个充电器", "把雨伞"): a book's name, not the library's things
NOT_A_BOOKS_NAME = re.compile(r"^[个把只件]|[室房区场仪机器柜厅处车站间位座号]$|"
                              r"服务|活动|辅导|岗位|专座|通道|设施|开放|客服|程序|"
                              r"[了吗呢吧]|能|可以|招聘|工作")


def thing_the_faq_lacks(text: str) -> str | None:
    """What a message asks the library to have or lend ("某作家的某书馆里有没有") when the
    FAQ knows nothing of it (not even a candidate): a book, which the catalogue may lack,
    rather than a rule or a facility (自习室, 储物柜 and 外文书 are all the FAQ's)."""
    asked = thing_asked_for(text)
    wished = None if asked else thing_then_wished(text)
    thing = asked or wished
    return thing if thing and (knows_nothing_of(thing) or (
        # ... or someone wants to read it, and the FAQ is not sure of the message ("我想看
        # 展览 有吗" is the FAQ's)
        (wished or wanted_to_read(text, thing))
        and services().knowledge.answer(text).kind != "answer")) else None


#: wanting to read what the clause before named ("某作家的某书 想看看里面写了啥")
WISHED_AFTER = re.compile(r"^(?:我|就|很|好|一直)?(?:想|要)(?:看看|读读|看|读|借)")


def thing_then_wished(text: str) -> str | None:
    """The thing named first, set apart, when the clause after it wishes to read it."""
    parts = [part for part in re.split(r"[\s，,。！!]+", text) if part]
    if len(parts) < 2 or not WISHED_AFTER.match(parts[1]):
        return None
    thing = _named(parts[0])
    # (no day, branch, place or kind of reading: "明天 想借书", "江宁馆 想借书", "电子书 想看看")
    named_else = NOT_A_THING.search(thing) or KINDS_OF_READING.search(thing) \
        or DAY_WORDS.search(thing) or any(alias in thing for alias, _ in branch_aliases())
    return thing if len(CJK_CHAR.findall(thing)) >= MIN_THING and not named_else \
        and not NOT_A_BOOKS_NAME.search(thing) and looks_like_a_title(thing) else None


def wanted_to_read(text: str, thing: str) -> bool:
    """Whether the thing is what the message begins by saying someone wants to read
    (WANTS_TO_READ, right before it), and no kind of reading."""
    wants = WANTS_TO_READ.match(text)
    return bool(wants and text[wants.end():].lstrip().startswith(thing)
                and not KINDS_OF_READING.search(thing))


#: where or in what form a thing is asked for, named before the asking words
NOT_A_THING = re.compile(r"馆|版|书店|网上|电子")


def thing_asked_for(text: str) -> str | None:
    """What a message asks the library to have or lend, if it could be a book's name."""
    # the sentence that asks ("某书有吗，周末想去借": not the plan after it), with those
    # before it if it names nothing itself ("那本某书，馆里收了没")
    parts = SENTENCE_BREAK.split(text)
    asking = next((n for n, part in enumerate(parts) if ASKS_IF_LENT.search(part)), None)
    if asking is None:
        return None
    # ... up to its asking words when a space ends it ("某书有没有 娃说班上都在看")
    asks = ASKS_IF_LENT.search(parts[asking])
    head = parts[asking][:asks.end()] if asks and parts[asking][asks.end():asks.end() + 1] \
        .isspace() else parts[asking]
    if NOT_A_THING.search(_named(head)):  # "某分馆有没有 某书": the place, not the thing
        head = parts[asking]
    thing = next((named for words in (head, parts[asking], " ".join(parts[:asking + 1]))
                  if len(CJK_CHAR.findall(named := _named(words))) >= MIN_THING), None)
    if not thing or NOT_A_BOOKS_NAME.search(thing) or not looks_like_a_title(thing):
        return None
    return thing


#: a thing this long that points at nothing ("某某传奇", "某作家的某长篇"; not "无线网", "中文版",
#: "这方面的书", "相关的书") names a book, unless the FAQ has a candidate sharing its words
NAMED_AT_LENGTH = 4
POINTS_AT = re.compile(r"[这那]|相关|方面|之类|类似|一类")


def knows_nothing_of(thing: str) -> bool:
    """Whether the FAQ has no answer about the thing, nor a candidate — of a long name
    (NAMED_AT_LENGTH), a candidate whose question shares a word with it ("王安忆的长恨歌"
    draws 看古籍, which shares only a character: a coincidence, not a subject)."""
    answer = services().knowledge.answer(thing)
    if answer.kind == "suggest" and len(CJK_CHAR.findall(thing)) >= NAMED_AT_LENGTH \
            and not POINTS_AT.search(thing):
        named = literal_bigrams(thing)
        return not any(named & literal_bigrams(asked) for _, asked in answer.suggestions)
    return answer.kind == "none"


def book_the_faq_lacks(dispatcher: CollectingDispatcher, text: str
                       ) -> list[dict[str, Any]] | None:
    """The search for the thing a message asks to have or lend that the FAQ knows nothing
    of (see thing_the_faq_lacks): the library lacks the book (荐购 is offered), or has
    one near it. None when the message asks for no such thing."""
    if not (thing := thing_the_faq_lacks(text)):
        return None
    return show_results(dispatcher, thing, services().catalogue.search(thing, limit=PAGE_SIZE),
                        offset=0)


def _named(words: str) -> str:
    """The words without the asking and those around the thing asked for."""
    return QUESTION_END.sub("", " ".join(
        AROUND_A_THING.sub(" ", ASKS_IF_LENT.sub(" ", words)).split())).strip()


def invalid_isbn(query: str) -> bool:
    return looks_like_isbn(query) and isbn13(query) is None


#: asking for an author's other books ("除了活着，余华还写过什么")
OTHER_BOOKS = re.compile(r"除了|除开|以外|之外|还写过|别的|其他|其它|还有(哪|什么|啥)|看过|读过|"
                         r"不要")
#: how many of an author's books are looked through for a title the message names
AUTHOR_BOOKS = 30


def more_of_a_title_typed(text: str, query: str, limit: int) -> tuple[str, SearchResult] | None:
    """The search for all the reader typed when its first book holds the part the NLU
    tagged and more of the typed words ("围城内外 有吗" where 围城 was tagged, itself a
    title; "白鹿原2 原上草那本" where 白鹿原 was): the reader named more of the title."""
    typed = typed_query(text)
    tagged = title_key(query)
    # the words typed beside the tagged part ("火焰杯" of "哈利波特火焰杯", a title
    # whose 与 the reader left out)
    beside = [words for words in title_key(typed).split(tagged) if words] if tagged else []
    groups = {title_key(words) for words in (typed, *re.split(r"[\s，,]+", typed), *beside)}
    more = [words for words in groups if len(words) >= MIN_TITLE_KEY and words not in tagged
            and not ASKS.search(words)]  # not what is asked about it ("在几楼")
    if not more:
        return None
    result = services().catalogue.search(typed, limit=limit)
    if (not result.hits or result.near) and beside:  # the 与 left out: the parts apart
        typed = " ".join([query, *beside])
        result = services().catalogue.search(typed, limit=limit)
    first = title_key(result.hits[0].title) if result.hits and not result.near else ""
    if tagged in first and any(words in first for words in more):
        return typed, result
    return None


def searched(tracker: Tracker, query: str, limit: int = PAGE_SIZE, for_a_hold: bool = False
             ) -> tuple[str, SearchResult]:
    """The search for the query, or for the whole title the message names when the NLU
    tagged only a part of it, as a title or a subject ("人间" of "预定一下人间失格": no title
    is just "人间"; "河"
    of "想借萧红的呼兰河传": of the titles found, only 呼兰河传 is in the message whole) or
    only its author, for a hold ("路遥那本平凡的世界替我预约": of 路遥's books, only 平凡的世界
    is in it; a search "呼兰河传 萧红" too, but "除了平凡的世界，路遥还写过什么" keeps
    them all); for a hold, of several books found, the one whose title the message holds
    whole ("约一本乡土中国，费孝通那本" whatever else shares its words)."""
    catalogue = services().catalogue
    result = catalogue.search(query, limit=limit)
    # a part of a title tagged as a title, or as a subject ("心理学" of "色彩心理学有吗")
    tagged = latest_entity_values(tracker, "title") or latest_entity_values(tracker, "subject")
    text = tracker.latest_message.get("text", "")
    if tagged and (more := more_of_a_title_typed(text, query, limit)):
        return more
    by_author = (bool(latest_entity_values(tracker, "author")) and len(result.hits) > 1
                 and (for_a_hold or not OTHER_BOOKS.search(text)))
    exact = any(title_key(main_title(hit.title)) == title_key(query) for hit in result.hits)
    any_title = by_author or (for_a_hold and len(result.hits) > 1 and not exact)
    # a title tagged whole that is also the end of a longer one typed ("孙子兵法" of
    # "帮我留华杉讲透孙子兵法")
    within = tagged and exact and any(
        title_key(query) in (longer := title_key(main_title(hit.title)))
        and longer != title_key(query) and longer in title_key(text) for hit in result.hits)
    if (tagged and not exact) or within or any_title:
        whole = held_title(text) if tagged else None
        # of all the author's books, not only the first page's
        pool = catalogue.search(query, limit=AUTHOR_BOOKS).hits if by_author else result.hits
        named = {main_title(hit.title) for hit in pool + (whole[1].hits if whole else [])
                 if (any_title or title_key(query) in title_key(hit.title))
                 and len(title_key(main_title(hit.title))) >= MIN_TITLE_KEY
                 and title_key(main_title(hit.title)) in title_key(text)}
        # a title within another the message holds is no other choice ("某系列" in
        # "某系列2"), unless the longer one is turned down ("约某系列，不要某系列2")
        typed = title_key(text)
        named = {title for title in named if not any(
            title_key(title) in title_key(other)
            and not re.search(f"(不要|不想要|别|不是){re.escape(title_key(other))}", typed)
            for other in named - {title})}
        if len(named) == 1:  # the one title the message holds whole ("有没有三国的书": none)
            title = named.pop()
            return title, catalogue.search(title, limit=limit)
    if by_author and not latest_entity_values(tracker, "title") \
            and (misspelt := title_beside_author(text, query, limit)):
        return misspelt
    return query, result


#: characters a misremembered title shares with the author's book, in pairs
SHARED_PAIRS = 2


def title_beside_author(text: str, author: str, limit: int) -> tuple[str, SearchResult] | None:
    """"某书(misremembered) 某作家那本": the author tagged alone, with words beside the name
    that are near the title of one of the author's books: the search of all the words
    typed, when its first book is that author's and shares SHARED_PAIRS character pairs
    with those words."""
    typed = typed_query(text)
    beside = title_key(typed).replace(title_key(author), "")
    if len(beside) < MIN_TITLE_KEY:
        return None
    result = services().catalogue.search(typed, limit=limit)
    if not result.hits or result.near \
            or title_key(author) not in title_key(result.hits[0].author):
        return None
    shared = literal_bigrams(beside) & literal_bigrams(title_key(result.hits[0].title))
    return (typed, result) if len(shared) >= SHARED_PAIRS else None


#: the author of the book just found ("这位作者别的书呢", "她还写过什么", "他别的呢",
#: "这作者其他作品呢")
SAME_AUTHOR = re.compile(r"([这那]个?|[这那]位|该|同一个?|原)(作者|作家)|(?<!其)(他|她)还(写|出)|"
                         r"作者还(写|出|有)|"
                         r"同一?作者|"
                         r"^\W*(那)?(他|她)(写的|的)?(别的|其他|其它|另外的)")


def book_whose_author_is_asked_about(tracker: Tracker) -> int | None:
    """The first book of the previous answer's results, or the book of a hold just
    offered, when the reader asks for more by its author (no lookup: this decides which
    action takes the reply)."""
    if not SAME_AUTHOR.search(tracker.latest_message.get("text", "")):
        return None
    found = previous(tracker, "search")
    if found and found.get("bib_ids"):
        return int(found["bib_ids"][0])
    return book_of_a_hold_offered(tracker)


#: what the reader may have said to a hold offered before asking for more by its author
GIVEN_UP_KINDS = frozenset({"cancelled", "declined"})


def book_of_a_hold_offered(tracker: Tracker) -> int | None:
    """The book of the hold confirmation just shown, or just given up ("取消 家里有了"
    to it, then "那位作家还出过什么")."""
    for outcomes in islice(earlier_answers(tracker), 2):
        offered = next((o for o in reversed(outcomes) if o.get("kind") == "hold_confirm"), None)
        if offered and offered.get("bib_id"):
            return int(offered["bib_id"])
        if not any(o.get("kind") in GIVEN_UP_KINDS for o in outcomes):
            return None
    return None


#: a book told by its writer and what it tells ("某学者写民国上海的那本书")
WRITER_TELLS = re.compile(r"^(?P<author>[\u4e00-\u9fff·]{2,5}?)(?:写|著|编)(?![的过了作给])"
                          r"[^，,。？?！!]{2,}?(?:的那本书?|的书|那本书?)")


def writer_described(text: str) -> tuple[str, SearchResult] | None:
    """The books of the writer a message begins with, when it tells of one of them by what
    it tells ("某学者写…的那本书"): the reader's words found nothing as a whole, and the
    writer's books are few enough to choose from."""
    told = WRITER_TELLS.match(normalise(text))
    if told is None:
        return None
    result = services().catalogue.search(told["author"], limit=PAGE_SIZE)
    written = result.hits and not result.near and result.total <= PAGE_SIZE and all(
        told["author"] in normalise(hit.author) for hit in result.hits)
    return (told["author"], result) if written else None


#: one book named as known, the author's others asked for ("某作家除了某书 另外还有吗")
BESIDES_ONE = re.compile(r"除了《?(?P<title>[^\s，,。？?！!》]{1,15}?)》?(以外|之外)?"
                         r"(?=[\s，,]*(还|另外|别的|其他|其它))")


def the_authors_other_books(text: str) -> tuple[str, SearchResult] | None:
    """(author, the author's books but the one named) for "某作家除了某书 还有啥", where a
    catalogued author is named beside the book."""
    found = BESIDES_ONE.search(text)
    if found is None:
        return None
    catalogue = services().catalogue
    # the author before 除了 ("某作家除了某书"), else after the book ("除了某书 某作家还写过啥")
    author = catalogue.author_named(text[:found.start()]) or catalogue.author_named(
        text[found.end():])
    if author is None:
        return None
    known = title_key(found["title"])
    works = [hit for hit in catalogue.search(author, limit=AUTHOR_BOOKS).hits
             if author in title_key(hit.author) and known not in title_key(hit.title)]
    return (author, SearchResult(hits=works[:PAGE_SIZE], total=len(works))) if works else None


def author_asked_about(tracker: Tracker) -> str | None:
    """The author of that book, when the reader asks for that author's books: the name
    alone, without the translator or the country ("柏拉图" of "柏拉图 著；王太庆 译")."""
    bib_id = book_whose_author_is_asked_about(tracker)
    book = services().catalogue.title(bib_id) if bib_id is not None else None
    return (author_name(book.author) or None) if book else None


#: asking to reserve without naming what ("帮我约上", "有的话约一本"): after the results
#: of one title, that title (see actions/holds.py)
RESERVES = re.compile(r"预约|预定|预订|约|订|(帮我|给我|替我)留(?![意心言神步])|留一本")
#: one of the results pointed at by words of its title ("散文那本", "诗集那一本")
POINTS_AT_A_RESULT = re.compile(r"^\W*(?:那|就|要|还有)*(?P<words>[^，,。？?！!\s]{2,12}?)的?"
                                r"(?:那|这)一?本")
#: ... asked about: whether the library has it, where, on the shelf
ASKS_IF_HELD = re.compile(r"有没有|有吗|有么|在架|在不在|在吗|能借|借得到|可借|还有")


def result_named(tracker: Tracker) -> str | None:
    """The one title among the previous answer's results that the reader names by some of
    its words and asks about ("诗集那本江宁有吗" after a poet's books): its title. Not when
    the reader asks to reserve it ("散文那本若还在就约上"): that is the holds' to place."""
    text = normalise(tracker.latest_message.get("text", ""))
    found = previous(tracker, "search")
    pointed = POINTS_AT_A_RESULT.match(text)
    if (not (found and pointed and ASKS_IF_HELD.search(text[pointed.end():]))
            or RESERVES.search(text)):
        return None
    words = title_key(pointed.group("words"))
    titles = [title for title in found.get("titles") or [] if words and words in title_key(title)]
    return titles[0] if len(titles) == 1 else None


class ActionSearchCatalogue(LibraryAction):
    action_name = "action_search_catalogue"

    def take_reply(self, dispatcher: CollectingDispatcher, tracker: Tracker
                   ) -> list[dict[str, Any]]:
        if title := result_named(tracker):
            return show_results(dispatcher, title,
                                services().catalogue.search(title, limit=PAGE_SIZE), offset=0)
        return self.act(dispatcher, tracker)

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if mishap_answered(dispatcher, tracker):
            return []
        if author := author_asked_about(tracker):
            return show_results(dispatcher, author,
                                services().catalogue.search(author, limit=PAGE_SIZE), offset=0)
        text = tracker.latest_message.get("text", "")
        plain = normalise(text)
        if others := the_authors_other_books(plain):
            return show_results(dispatcher, *others, offset=0)
        if asks_how_a_card_is_used(tracker) and (
                about_the_other_library(dispatcher, tracker)  # "省图的卡 带过来能用吗"
                or answer_if_certain(dispatcher, tracker, text)):
            return []
        query = search_query(tracker)
        if not re.search(r"\w", query):
            dispatcher.utter_message(
                text="请告诉我书名、作者、ISBN 或主题，例如：查《活着》、余华的书。",
                **outcome("clarify"),
            )
            return []
        if invalid_isbn(query):
            dispatcher.utter_message(
                text=f"“{quote(query)}”不是有效的 ISBN（应为 10 位或 13 位，校验位正确）。"
                "请核对后再发，或者直接告诉我书名。",
                **outcome("search", no_match=True, invalid_isbn=True, titles=[]),
            )
            return []
        query, result = searched(tracker, query)
        if (shown := several_or_lacking(dispatcher, text, result)) is not None:
            return shown
        if lacking := tagged_title_the_author_lacks(tracker, result):
            return show_the_authors_other_books(dispatcher, *lacking, result)
        if (not result.hits or result.near) and (found := title_typed_whole(text)):
            return show_results(dispatcher, *found, offset=0)  # "想学Python，推荐几本"
        if (not result.hits or result.near) and (found := writer_described(text)):
            return show_results(dispatcher, *found, offset=0)
        # "有讲某学科的书没 图多点的": the clause that asks for books, unless the FAQ is
        # sure of the whole ("外文的书能借几本") and no book is asked for
        # (or a title half remembered: "叫某某还是啥的")
        wanted = "《" in text or wants_a_book(plain) or half_called(plain) is not None
        if not result.hits and (books := clause_of_books(text)) and (
                wanted or answer_in_context(tracker, text).kind != "answer"):
            return show_results(dispatcher, *books, offset=0)
        if (not result.hits or result.near) and (
                lacked := book_the_faq_lacks(dispatcher, text)) is not None:
            return lacked  # "某作家的某书馆里有没有": a book, though the library lacks it
        # "馆里禁烟吗" reads like a search to the NLU; the FAQ may know better than
        # books that only share a word with it — unless the reader named a title in 《》
        # ("鼓楼有没有《鼓楼往事》这本书": the library lacks it, whatever else it says) or
        # asked for a book ("替小侄子挑本讲星星的图画书": what the catalogue has, or not).
        # (nor a catalogued author, whose books were found: "有没有某学者的 某方面")
        if (not result.hits or result.near) and not wanted and not (
                result.hits and services().catalogue.author_named(query)):
            if answer_if_certain(dispatcher, tracker, text):
                return []
            if asks_no_book(tracker) and (
                    events := self.no_book_asked(dispatcher, tracker, query)) is not None:
                return events
        return show_results(dispatcher, query, result, offset=0)

    @staticmethod
    def no_book_asked(dispatcher: CollectingDispatcher, tracker: Tracker, query: str
                      ) -> list[dict[str, Any]] | None:
        """"拿金图的证去区馆借书行不行": no book was asked for, so "没有找到与‘…’相关的馆藏"
        would answer nothing; the FAQ's candidates, else a request to rephrase — unless
        the words could be a title ("鬼吹灯有吗": the library lacks it, None) or are near
        one it holds (a title misremembered, asked about)."""
        text = tracker.latest_message.get("text", "")
        # the title (maybe misremembered) typed first, what it is about after it, asking
        # nothing ("某书 讲一个少年放风筝的那本")
        first, *rest = clauses(text) or [text]
        described = bool(rest) and bool(DESCRIBES_A_BOOK.search(" ".join(rest))) \
            and not ASKS.search(" ".join(rest))
        if found := held_title(text, near_too=True) or (
                held_title(first, near_too=True) if described else None):
            return show_results(dispatcher, *found, offset=0)
        if answer_or_menu(dispatcher, tracker, text):
            return []
        if not looks_like_a_title(query):
            services().knowledge.record_unanswered(text, channel_of(tracker), "search")
            dispatcher.utter_message(response="utter_please_rephrase", **outcome("clarify"))
            return []
        return None


#: what joins titles asked about together ("快乐王子和小王子都有吗")
JOINED = re.compile(r"\s*(?:和|跟|与|还有|以及|、)\s*")
#: ... and what is said of them all ("这几本都要")
OF_THEM_ALL = re.compile(r"[这那]?[两几]本书?都?(?:想看|想借|要)?|都(?:想看|想借|要)|"
                         r"都(?=\s|$)")


def titles_joined(text: str, result: SearchResult) -> list[tuple[str, SearchResult]]:
    """The search for each of several titles the message names joined by 和, 跟, 、 …
    ("甲书跟乙书都想借，有没有"), when each names a held title and the words together are
    not one title (老人与海): one search each; [] otherwise."""
    typed = OF_THEM_ALL.sub(" ", typed_query(text)).strip()
    parts = [part for part in JOINED.split(typed) if part.strip()]
    first = title_key(result.hits[0].title) if result.hits else ""
    # a joining word inside the title found ("菊与刀" typed with its author)
    inside = any(title_key(typed[max(0, join.start() - 1):join.end() + 1]) in first
                 for join in JOINED.finditer(typed))
    if len(parts) < 2 or title_key(typed) in first or inside:
        return []
    found = []
    for part in parts:  # each a held title, or no search more
        if (search := held_title(part)) is None:
            return []
        found.append(search)
    return found


#: what begins a follow-up about another title ("那火焰杯呢")
FOLLOW_UP_LEAD = re.compile(r"^(那么?|还有|那个)")


def another_of_the_series(query: str, text: str) -> tuple[str, SearchResult] | None:
    """"那火焰杯呢" after 哈利波特密室's results: the search for that title among those
    of the name searched first (哈利波特 火焰杯), when the first book found holds it."""
    typed = FOLLOW_UP_LEAD.sub("", typed_query(text))
    key, series = title_key(typed), query.split()[0]
    if len(key) < MIN_TITLE_KEY or key in title_key(query):
        return None
    asked = f"{series} {typed}"
    result = services().catalogue.search(asked, limit=PAGE_SIZE)
    if result.hits and not result.near and key in title_key(result.hits[0].title):
        return asked, result
    return None


#: more of the same results ("再来几本", "下一页")
PAGING = re.compile(r"更多|下一页|下页|再来|继续|还有吗|还有别的|再看看|下面的")


class ActionShowMore(LibraryAction):
    action_name = "action_show_more"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        query = tracker.get_slot("search_query")
        text = tracker.latest_message.get("text", "")
        if query and asks_for_a_volume(text):
            # "第二部呢" after 三体's results: that volume, not the next page
            return ActionSearchCatalogue().act(dispatcher, tracker)
        # "人间失格还有吗" with no results before, "射雕英雄传呢" after another title's: a
        # search, not a next page (unless it asks for more of the same: "再来几本")
        if not text.startswith("/") and not (query and (
                PAGING.search(text) or title_key(query) in title_key(text))):
            if latest_entity_values(tracker, "title"):
                return ActionSearchCatalogue().act(dispatcher, tracker)
            if found := held_title(text) or (query and another_of_the_series(query, text)):
                return show_results(dispatcher, *found, offset=0)
        if not query:
            if not text.startswith("/") and (mishap_answered(dispatcher, tracker)
                                             or answer_if_certain(dispatcher, tracker, text)):
                return []  # "要是弄坏了呢" after an answer about a lost book
            dispatcher.utter_message(text="您想查什么书呢？告诉我书名、作者或主题就可以。",
                                     **outcome("clarify"))
            return []
        offset = int(tracker.get_slot("search_offset") or 0)
        result = services().catalogue.search(query, limit=PAGE_SIZE, offset=offset)
        return show_results(dispatcher, query, result, offset=offset)


LibraryAction.replies_to_previous += [
    (lambda tracker: book_whose_author_is_asked_about(tracker) is not None,
     ActionSearchCatalogue),
    (lambda tracker: result_named(tracker) is not None, ActionSearchCatalogue),
]
