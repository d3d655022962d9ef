"""The library services on the real databases: SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from bot import clock, wiring
from bot.db.engine import session_factory
from bot.db.models import BibRecord, Branch, Event, Item, Reader
from bot.services.interface import (
    BookingOutcome,
    HoldOutcome,
    LibraryServices,
    PendingPassword,
    ReaderRef,
    Verification,
)
from bot.services.passwords import hash_password
from bot.services.search_text import index_text
from bot.settings import load_settings
from tests.library_db import BACKENDS, fresh_database

pytestmark = pytest.mark.dates  # demo data and expectations relative to today

PASSWORD = "reader123"


@pytest.fixture(scope="module", params=BACKENDS)
def url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("db")) as database_url:
        yield database_url


@pytest.fixture(scope="module")
def library(url: str) -> LibraryServices:
    return wiring.library_services(load_settings().with_database(url))


def login(library: LibraryServices, card: str, sender: str) -> ReaderRef:
    outcome = library.circulation.verify_reader(card, PASSWORD, "test", sender)
    assert outcome is Verification.VERIFIED
    reader = library.circulation.verified_reader("test", sender)
    assert reader is not None
    return reader


def add_title(url: str, title: str, copies: list[str], branch: str = "JL-MAIN") -> int:
    """A title with copies in the given statuses; returns its id."""
    with session_factory(url).begin() as session:
        branch_id = session.execute(select(Branch.id).where(Branch.code == branch)).scalar_one()
        bib_id = session.execute(insert(BibRecord).values(
            title=title, author="测试作者", search_text=index_text(title, "测试作者"),
        )).inserted_primary_key[0]
        for number, status in enumerate(copies):
            session.execute(insert(Item).values(
                bib_id=bib_id, branch_id=branch_id, barcode=f"T{bib_id}-{number}",
                status=status, due_date=clock.today() + timedelta(days=9)
                if status == "on_loan" else None,
            ))
    return bib_id


def add_reader(url: str, card: str, card_type: str = "adult") -> None:
    with session_factory(url).begin() as session:
        session.add(Reader(card_number=card, name="测试读者", card_type_code=card_type,
                           expires_on=clock.today() + timedelta(days=30),
                           password_hash=hash_password(PASSWORD)))


# --- catalogue -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("三体2", "三体Ⅱ：黑暗森林"),
        ("三体Ⅱ", "三体Ⅱ：黑暗森林"),
        ("《三體》", "三体"),
        ("三体", "三体"),
        ("活着", "活着"),
        ("9787506365437", "活着"),
        ("978-7-5063-6543-7", "活着"),
        ("平凡的世界", "平凡的世界（全三部）"),
        # the title in 《》 or the ISBN inside a sentence; middle dots typed or not
        ("请问你们馆有《活着》吗", "活着"),
        ("ISBN 978-7-5063-6543-7 有吗", "活着"),
        ("哈利波特与魔法石", "哈利·波特与魔法石"),
    ],
)
def test_search_finds_titles_as_readers_type_them(
    library: LibraryServices, query: str, expected_first: str
) -> None:
    result = library.catalogue.search(query)
    assert result.hits, query
    assert result.hits[0].title == expected_first


def test_search_by_author_and_subject(library: LibraryServices) -> None:
    assert any(hit.author.startswith("余华") for hit in library.catalogue.search("余华").hits)
    assert library.catalogue.search("科幻").total >= 2


def test_search_without_words_or_hits(library: LibraryServices) -> None:
    assert library.catalogue.search("《》！？").total == 0
    assert library.catalogue.search("量子纠缠烹饪大全").total == 0
    assert library.catalogue.by_isbn("9787506365438").total == 0  # bad check digit


def test_search_pages_through_many_hits(library: LibraryServices) -> None:
    first = library.catalogue.search("中国", limit=2)
    second = library.catalogue.search("中国", limit=2, offset=2)
    assert first.total > 4
    assert {h.bib_id for h in first.hits}.isdisjoint({h.bib_id for h in second.hits})


def test_availability_per_branch(url: str, library: LibraryServices) -> None:
    bib_id = add_title(url, "可借性测试书", ["on_shelf", "on_loan", "lost"])
    hit = library.catalogue.title(bib_id)
    assert hit is not None
    (branch,) = hit.availability
    assert (branch.branch, branch.on_shelf, branch.total) == ("金陵图书馆", 1, 2)
    assert branch.next_due == clock.today() + timedelta(days=9)


# --- branches and hours ------------------------------------------------------------

def test_branch_aliases_and_traditional_characters(library: LibraryServices) -> None:
    assert library.info.find_branch("鼓楼馆").name == "鼓楼区图书馆"
    assert library.info.find_branch("金圖").name == "金陵图书馆"
    assert library.info.find_branch("南京图书馆") is None  # a different library


def test_hours_know_weekly_closures_and_holidays(library: LibraryServices) -> None:
    thursday = date(2026, 12, 3)
    assert library.info.hours_on("JL-MAIN", thursday).opens is None
    friday = library.info.hours_on("JL-MAIN", thursday + timedelta(days=1))
    assert f"{friday.opens:%H:%M}" == "09:00"
    spring = library.info.holiday_date("春节", date(2026, 11, 25))
    assert spring == date(2027, 2, 6)
    assert library.info.hours_on("JL-MAIN", spring).reason == "春节"
    assert library.info.hours_on("JL-MAIN", spring).opens is None
    # A closure of one branch does not close the others.
    assert library.info.hours_on("JL-HEXI", date(2026, 12, 10)).opens is None
    assert library.info.hours_on("NJ-GULOU", date(2026, 12, 10)).opens is not None


# --- verification --------------------------------------------------------------------

def test_verification_outcomes(url: str, library: LibraryServices) -> None:
    verify = library.circulation.verify_reader
    assert verify("JL99999999", PASSWORD, "test", "v1") is Verification.UNKNOWN_CARD
    assert verify("JL00000004", PASSWORD, "test", "v1") is Verification.CARD_BLOCKED
    assert verify("JL00000005", PASSWORD, "test", "v1") is Verification.CARD_EXPIRED
    assert library.circulation.verified_reader("test", "v1") is None
    add_reader(url, "JL70000001")
    assert verify("JL70000001", "wrong", "test", "v2") is Verification.WRONG_PASSWORD
    assert library.circulation.verified_reader("test", "v2") is None


def test_a_password_prompt_is_taken_once(library: LibraryServices) -> None:
    library.circulation.expect_password("test", "p1", "JL00000001")
    assert library.circulation.take_password_prompt("test", "p1") == PendingPassword("JL00000001")
    assert library.circulation.take_password_prompt("test", "p1") is None


def test_a_verified_reader_is_the_same_on_every_channel(library: LibraryServices) -> None:
    web = login(library, "JL00000002", "web-1")
    assert library.circulation.verify_reader(
        "JL00000002", PASSWORD, "wechat", "wx-1") is Verification.VERIFIED
    assert library.circulation.verified_reader("wechat", "wx-1") == web
    assert library.circulation.verified_reader("wechat", "web-1") is None


# --- holds -----------------------------------------------------------------------------

def test_hold_ready_then_queue_then_cancel(url: str, library: LibraryServices) -> None:
    bib_id = add_title(url, "预约流程测试书", ["on_shelf"])
    add_reader(url, "JL70000002")
    add_reader(url, "JL70000003")
    first = login(library, "JL70000002", "h1")
    second = login(library, "JL70000003", "h2")
    ready = library.circulation.place_hold(first, bib_id, "JL-MAIN")
    assert ready.outcome is HoldOutcome.READY
    assert ready.hold.pickup_deadline == clock.today() + timedelta(days=7)
    assert library.circulation.place_hold(first, bib_id, "JL-MAIN").outcome is HoldOutcome.DUPLICATE
    queued = library.circulation.place_hold(second, bib_id, "JL-MAIN")
    assert queued.outcome is HoldOutcome.QUEUED
    assert queued.hold.queue_position == 1
    # Nobody cancels someone else's hold.
    assert not library.circulation.cancel_hold(second, ready.hold.hold_id)
    assert library.circulation.cancel_hold(first, ready.hold.hold_id)
    assert [h.hold_id for h in library.circulation.holds(first)] == []
    with session_factory(url).begin() as session:
        statuses = session.execute(select(Item.status).where(Item.bib_id == bib_id)).scalars()
        assert list(statuses) == ["on_shelf"]


def test_hold_rules(url: str, library: LibraryServices) -> None:
    add_reader(url, "JL70000004", card_type="child")
    child = login(library, "JL70000004", "r1")
    titles = [add_title(url, f"限额测试书{n}", ["on_loan"]) for n in range(4)]
    for bib_id in titles[:3]:
        outcome = library.circulation.place_hold(child, bib_id, "JL-MAIN").outcome
        assert outcome is HoldOutcome.QUEUED
    over = library.circulation.place_hold(child, titles[3], "JL-MAIN")
    assert (over.outcome, over.limit) == (HoldOutcome.LIMIT_REACHED, 3)
    lost = add_title(url, "全部遗失的书", ["lost"])
    adult = login(library, "JL00000001", "r2")
    assert library.circulation.place_hold(adult, lost, "JL-MAIN").outcome is \
        HoldOutcome.NOT_HELD_BY_LIBRARY
    with session_factory(url).begin() as session:
        session.execute(update(Reader).where(Reader.card_number == "JL00000001")
                        .values(status="blocked"))
    try:
        assert library.circulation.place_hold(adult, titles[0], "JL-MAIN").outcome is \
            HoldOutcome.CARD_NOT_USABLE
    finally:
        with session_factory(url).begin() as session:
            session.execute(update(Reader).where(Reader.card_number == "JL00000001")
                            .values(status="active"))


@pytest.mark.parametrize("racers", [2, 4])
def test_readers_racing_for_the_last_copy(
    url: str, library: LibraryServices, racers: int
) -> None:
    """Exactly one reader gets the last copy, however the requests interleave."""
    for round_number in range(5):
        bib_id = add_title(url, f"最后一本{racers}-{round_number}", ["on_shelf"])
        readers = []
        for n in range(racers):
            card = f"JL8{racers}{round_number}{n:05d}"
            add_reader(url, card)
            readers.append(login(library, card, f"race-{card}"))
        start = threading.Barrier(racers)
        outcomes: list[HoldOutcome] = []

        def race(reader: ReaderRef, bib_id: int, start: threading.Barrier,
                 outcomes: list[HoldOutcome]) -> None:
            start.wait()
            outcomes.append(library.circulation.place_hold(reader, bib_id, "JL-MAIN").outcome)

        threads = [threading.Thread(target=race, args=(r, bib_id, start, outcomes))
                   for r in readers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert outcomes.count(HoldOutcome.READY) == 1, outcomes
        assert outcomes.count(HoldOutcome.QUEUED) == racers - 1, outcomes


# --- events and spaces -------------------------------------------------------------

def test_event_capacity_and_double_booking(url: str, library: LibraryServices) -> None:
    with session_factory(url).begin() as session:
        event_id = session.execute(
            select(Event.id).where(Event.title == "数字资源使用培训")).scalar_one()
    readers = [login(library, card, f"e-{card}") for card in ("JL00000001", "JL00000002",
                                                              "JL00000003")]
    activities = library.activities
    assert activities.sign_up(readers[0], event_id) is BookingOutcome.BOOKED
    assert activities.sign_up(readers[0], event_id) is BookingOutcome.DUPLICATE
    assert activities.sign_up(readers[1], event_id) is BookingOutcome.BOOKED
    assert activities.sign_up(readers[2], event_id) is BookingOutcome.FULL
    assert activities.sign_up(readers[2], 999_999) is BookingOutcome.NOT_FOUND
    (booking,) = [b for b in activities.bookings(readers[1], clock.today())
                  if b.what == "数字资源使用培训"]
    assert not booking.is_space  # an event's sign-up
    assert not activities.cancel_booking(readers[0], booking.booking_id)  # not theirs
    assert activities.cancel_booking(readers[1], booking.booking_id)
    assert activities.sign_up(readers[2], event_id) is BookingOutcome.BOOKED


def test_space_slots(library: LibraryServices) -> None:
    slots = library.activities.open_slots(clock.now(), "研讨间")
    assert slots and all(s.space == "研讨间A" for s in slots)
    first, second = (login(library, c, f"s-{c}") for c in ("JL00000001", "JL00000002"))
    assert library.activities.book_slot(first, slots[0].slot_id) is BookingOutcome.BOOKED
    assert library.activities.book_slot(second, slots[0].slot_id) is BookingOutcome.FULL
    remaining = library.activities.open_slots(clock.now(), "研讨间")
    assert slots[0].slot_id not in {s.slot_id for s in remaining}


def test_database_gone_is_reported_as_unavailable(tmp_path: Path) -> None:
    from bot.services.interface import ServiceUnavailableError

    nowhere = load_settings().with_database("postgresql://postgres@127.0.0.1:9/nowhere")
    gone = wiring.library_services(nowhere)
    with pytest.raises(ServiceUnavailableError):
        gone.catalogue.search("三体")
