"""The demo data `make run` loads: real books with valid ISBNs whose publisher agrees
with the ISBN, and a synthetic generator that is deterministic."""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

from bot.demo.generate import synthetic_books
from bot.demo.load import DEMO_DATA, is_for_children, read_yaml
from bot.services.search_text import isbn13

BOOKS = read_yaml(DEMO_DATA / "books.yml")
FIELDS = ("title", "author", "publisher", "year", "isbn", "clc", "subjects", "summary")
#: one publishing house under two names in the sources
SAME_PUBLISHER = {"中信出版集团": "中信出版社", "江苏文艺出版社": "江苏凤凰文艺出版社"}


def registrant(isbn: str) -> str:
    """The publisher element of a 978-7 ISBN (ranges of the Chinese ISBN agency)."""
    rest = isbn[4:]
    for length, upper in ((2, 9), (3, 499), (4, 7999), (5, 89999)):
        if int(rest[:length]) <= upper:
            return rest[:length]
    return rest[:6]


def test_a_few_hundred_books_each_complete_with_a_valid_unique_isbn() -> None:
    assert len(BOOKS) >= 300
    assert all(book.get(field) for book in BOOKS for field in FIELDS)
    isbns = [book["isbn"] for book in BOOKS]
    assert [isbn for isbn in isbns if isbn13(isbn) != isbn or not isbn.startswith("9787")] == []
    assert len(set(isbns)) == len(isbns)
    assert sum(is_for_children(book) for book in BOOKS) >= 30  # the 少儿馆's shelves


def test_each_isbn_publisher_element_belongs_to_one_publisher() -> None:
    publishers: dict[str, set[str]] = defaultdict(set)
    for book in BOOKS:
        name = book["publisher"]
        publishers[registrant(book["isbn"])].add(SAME_PUBLISHER.get(name, name))
    assert {code: names for code, names in publishers.items() if len(names) > 1} == {}


def test_synthetic_catalogue_is_the_same_for_one_seed() -> None:
    first = list(islice(synthetic_books(500), 500))
    assert first == list(islice(synthetic_books(500), 500))
    assert first != list(islice(synthetic_books(500, seed=7), 500))
    assert all(isbn13(book["isbn"]) == book["isbn"] for book, _ in first)
