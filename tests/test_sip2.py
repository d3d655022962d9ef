"""The SIP2 adapter (LIBRARY_BACKEND=sip2) against a local SIP2 stand-in seeded with the
demo library: the codec, verification, holds, loans, renewals, fees, and an ILS that is
down, slow or answers garbage or wrong checksums."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from bot import clock, wiring
from bot.db.engine import session_factory
from bot.db.models import BibRecord, Branch, Item, Reader
from bot.http_json import free_port
from bot.services.interface import (
    Circulation,
    HoldOutcome,
    OutcomeUnknownError,
    ReaderRef,
    RenewalOutcome,
    ServiceUnavailableError,
    Verification,
)
from bot.services.sip2 import sip2_circulation
from bot.services.sip2.circulation import Sip2Circulation
from bot.services.sip2.codec import FrameError, Message, checksum, decode, encode
from bot.services.sql.session import SqlStore
from bot.settings import load_settings
from tests.library_db import BACKENDS, fresh_database
from tests.standins.sip2_server import PASSWORD as SIP_PASSWORD
from tests.standins.sip2_server import LoanRow, Patron, Sip2StandIn, sip2_standin

pytestmark = [pytest.mark.dates, pytest.mark.timeout(60)]

PASSWORD = "reader123"
QUICK = 0.3  # the ILS's time limit in the tests of a slow ILS


@pytest.fixture(scope="module", params=BACKENDS)
def url(request: pytest.FixtureRequest,
        tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The assistant's own database (sessions, the patrons' copies, the catalogue)."""
    with fresh_database(request.param, tmp_path_factory.mktemp("sip2")) as database_url:
        yield database_url


@pytest.fixture(scope="module")
def ils(url: str) -> Iterator[Sip2StandIn]:
    with sip2_standin(url) as standin:
        yield standin


def circulation_for(ils: Sip2StandIn, url: str, timeout: float = 5.0) -> Circulation:
    settings = dataclasses.replace(load_settings(), database_url=url)
    return sip2_circulation(ils.configure(settings, timeout=timeout), SqlStore(url))


@pytest.fixture(scope="module")
def circulation(ils: Sip2StandIn, url: str) -> Circulation:
    return circulation_for(ils, url)


def login(circulation: Circulation, card: str, sender: str) -> ReaderRef:
    assert circulation.verify_reader(card, PASSWORD, "test", sender) is Verification.VERIFIED
    reader = circulation.verified_reader("test", sender)
    assert reader is not None
    return reader


def item_id(url: str, barcode: str) -> int:
    with session_factory(url).begin() as session:
        return session.execute(select(Item.id).where(Item.barcode == barcode)).scalar_one()


def copies_of(ils: Sip2StandIn, title: str) -> list[str]:
    return sorted(c.barcode for c in ils.library.copies.values() if c.title == title)


def new_patron(ils: Sip2StandIn, card: str, rules: str = "adult",
               loans: dict[str, int] | None = None) -> None:
    """A patron of the ILS only, with loans (title -> due in days) of copies not lent."""
    with ils.lock:
        ils.library.patrons[card] = Patron(card, "测试读者", PASSWORD, rules,
                                           expires_on=clock.today() + timedelta(days=90))
        for title, due_in_days in (loans or {}).items():
            lent = {loan.barcode for loan in ils.library.loans}
            barcode = next(b for b in copies_of(ils, title) if b not in lent)
            due = clock.today() + timedelta(days=due_in_days)
            ils.library.copies[barcode].status, ils.library.copies[barcode].due_date = \
                "on_loan", due
            ils.library.loans.append(LoanRow(card, barcode, due))


def loan_of(circulation: Circulation, reader: ReaderRef, title: str) -> int:
    return next(loan.loan_id for loan in circulation.loans(reader) if loan.title == title)


# --- the codec -------------------------------------------------------------------------

def test_checksums_are_those_of_the_standard() -> None:
    # A checkin with its published checksum (sum of the bytes through "AZ", negated).
    frame = b"09N20160419    12200820160419    122008APReading Room 1|AO830|AB830$28170815|AC|AY2AZ"
    assert checksum(frame) == "EB80"
    assert decode(b"941AY3AZ" + checksum(b"941AY3AZ").encode(), "ascii") == (
        Message("94", "1"), 3)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_messages_survive_the_round_trip(encoding: str) -> None:
    message = Message("30", "1YUU20261028    100000", (
        ("AO", "JLTSG"), ("AA", "JL00000001"), ("AB", "C0000012301"),
        ("AJ", "三体Ⅱ：黑暗森林"), ("AF", "续借成功"), ("AF", "请按时归还")))
    frame = encode(message, 7, encoding)
    assert frame.endswith(b"\r") and b"AY7AZ" in frame
    assert decode(frame[:-1], encoding) == (message, 7)
    assert decode(frame[:-1], encoding)[0].all("AF") == ["续借成功", "请按时归还"]


@pytest.mark.parametrize(("frame", "problem"), [
    (b"941", "no checksum"),
    (b"941AY3AZ0000", "wrong checksum"),
    (b"\x16\x03garbage", "no checksum"),
])
def test_frames_without_a_valid_checksum_are_refused(frame: bytes, problem: str) -> None:
    with pytest.raises(FrameError, match=problem):
        decode(frame, "utf-8")


@pytest.mark.parametrize("body", [b"XX1AY0AZ", b"64YY", b"941ab|AY0AZ", b"18\xff\xfe\xfdAY0AZ"])
def test_well_checksummed_nonsense_is_refused(body: bytes) -> None:
    with pytest.raises(FrameError):
        decode(body + checksum(body).encode(), "utf-8")


def test_values_that_would_break_the_frame_are_not_sent() -> None:
    with pytest.raises(ValueError):
        encode(Message("63", "000" + " " * 28, (("AD", "pass|AAJL00000002"),)), 0, "utf-8")


# --- verification --------------------------------------------------------------------

def test_library_backend_sip2_is_wired(url: str, ils: Sip2StandIn) -> None:
    settings = ils.configure(dataclasses.replace(load_settings(), database_url=url))
    circulation = wiring.library_services(settings).circulation
    assert isinstance(circulation, Sip2Circulation)
    assert wiring.reader_login(settings) is circulation
    assert login(circulation, "JL00000002", "w1").name == "李雨桐"


def test_verification_outcomes(url: str, circulation: Circulation) -> None:
    verify = circulation.verify_reader
    assert verify("JL99999999", PASSWORD, "test", "v1") is Verification.UNKNOWN_CARD
    assert verify("JL00000004", PASSWORD, "test", "v1") is Verification.CARD_BLOCKED
    assert verify("JL00000005", "wrong", "test", "v1") is Verification.CARD_EXPIRED
    assert verify("JL00000002", "wrong", "test", "v2") is Verification.WRONG_PASSWORD
    assert verify("JL00000002", "pass|word", "test", "v2") is Verification.WRONG_PASSWORD
    assert circulation.verified_reader("test", "v1") is None
    assert circulation.verified_reader("test", "v2") is None


def test_a_patron_of_the_ils_is_kept_in_the_reader_table(
        url: str, ils: Sip2StandIn, circulation: Circulation) -> None:
    new_patron(ils, "JL70000001", rules="child")
    reader = login(circulation, "JL70000001", "m1")
    with session_factory(url).begin() as session:
        row = session.execute(select(Reader).where(Reader.card_number == "JL70000001")).scalar_one()
        assert (row.id, row.name, row.card_type_code) == (reader.reader_id, "测试读者", "child")
        assert row.expires_on == clock.today() + timedelta(days=90)
    # The same reader on another channel; a new password at the ILS ends both sessions.
    assert login(circulation, "JL70000001", "m2") == reader
    ils.library.patrons["JL70000001"].password = "new-password"
    assert circulation.verify_reader("JL70000001", "new-password", "test", "m3") is \
        Verification.VERIFIED
    assert circulation.verified_reader("test", "m1") is None


def test_passwords_are_never_logged(ils: Sip2StandIn, circulation: Circulation,
                                    caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    ils.garbage(2)
    with pytest.raises(ServiceUnavailableError):
        circulation.verify_reader("JL00000006", "secret-reader-pw", "test", "p1")
    assert "unusable answer" in caplog.text
    assert "secret-reader-pw" not in caplog.text and SIP_PASSWORD not in caplog.text


def test_wrong_passwords_are_throttled_before_the_ils_is_asked(
        ils: Sip2StandIn, circulation: Circulation) -> None:
    for _ in range(4):
        assert circulation.verify_reader("JL00000006", "wrong", "test", "t1") is \
            Verification.WRONG_PASSWORD
    assert circulation.verify_reader("JL00000006", "wrong", "test", "t1") is \
        Verification.THROTTLED
    asked = ils.count("63")
    assert circulation.verify_reader("JL00000006", PASSWORD, "test", "t1") is \
        Verification.THROTTLED
    assert ils.count("63") == asked


# --- holds ---------------------------------------------------------------------------

def bib_of(url: str, title: str) -> int:
    with session_factory(url).begin() as session:
        return session.execute(select(BibRecord.id).where(BibRecord.title == title)).scalar_one()


def test_hold_ready_then_queue_then_cancel(
        url: str, ils: Sip2StandIn, circulation: Circulation) -> None:
    new_patron(ils, "JL70000002")
    new_patron(ils, "JL70000003")
    first, second = login(circulation, "JL70000002", "h1"), login(circulation, "JL70000003", "h2")
    bib_id = bib_of(url, "活着")
    with ils.lock:  # one copy on the shelf at the main library, the others out
        for number, barcode in enumerate(copies_of(ils, "活着")):
            ils.library.copies[barcode].status = "on_shelf" if number == 0 else "on_loan"
            ils.library.copies[barcode].location = "JL-MAIN"
    ready = circulation.place_hold(first, bib_id, "JL-MAIN")
    assert ready.outcome is HoldOutcome.READY
    assert (ready.hold.title, ready.hold.pickup_branch) == ("活着", "金陵图书馆")
    assert ready.hold.pickup_deadline == clock.today() + timedelta(days=7)
    assert circulation.place_hold(first, bib_id, "JL-MAIN").outcome is HoldOutcome.DUPLICATE
    queued = circulation.place_hold(second, bib_id, "JL-MAIN")
    assert (queued.outcome, queued.hold.queue_position) == (HoldOutcome.QUEUED, 1)
    assert [(h.hold_id, h.status) for h in circulation.holds(first)] == [(bib_id, "ready")]
    (waiting,) = circulation.holds(second)
    assert (waiting.status, waiting.queue_position, waiting.pickup_branch) == \
        ("waiting", 1, "金陵图书馆")
    # Nobody cancels someone else's hold; nothing is sent for it.
    cancels = ils.count("15")
    assert not circulation.cancel_hold(second, 999_999)
    assert ils.count("15") == cancels
    assert circulation.cancel_hold(first, bib_id)
    assert circulation.holds(first) == []
    assert ils.library.copies[copies_of(ils, "活着")[0]].status == "on_shelf"


def test_hold_rules(url: str, ils: Sip2StandIn, circulation: Circulation) -> None:
    new_patron(ils, "JL70000004", rules="child")
    child = login(circulation, "JL70000004", "r1")
    titles = ["三体", "三体Ⅱ：黑暗森林", "三体Ⅲ：死神永生", "白鹿原"]
    for title in titles[:3]:
        assert circulation.place_hold(child, bib_of(url, title), "JL-MAIN").outcome in (
            HoldOutcome.READY, HoldOutcome.QUEUED)
    over = circulation.place_hold(child, bib_of(url, titles[3]), "JL-MAIN")
    assert (over.outcome, over.limit) == (HoldOutcome.LIMIT_REACHED, 3)
    with session_factory(url).begin() as session:
        branch = session.execute(select(Branch.id).where(Branch.code == "JL-MAIN")).scalar_one()
        lost = session.execute(
            insert(BibRecord).values(title="全部遗失的书")).inserted_primary_key[0]
        session.execute(insert(Item).values(bib_id=lost, branch_id=branch, barcode="LOST-1",
                                            status="lost"))
    adult = login(circulation, "JL00000002", "r2")
    assert circulation.place_hold(adult, lost, "JL-MAIN").outcome is \
        HoldOutcome.NOT_HELD_BY_LIBRARY
    ils.library.patrons["JL00000002"].blocked = True
    try:
        assert circulation.place_hold(adult, bib_of(url, "围城"), "JL-MAIN").outcome is \
            HoldOutcome.CARD_NOT_USABLE
    finally:
        ils.library.patrons["JL00000002"].blocked = False


# --- loans, renewals, the account ---------------------------------------------------

def test_loans_come_from_the_ils(circulation: Circulation) -> None:
    reader = login(circulation, "JL00000001", "l1")
    loans = circulation.loans(reader)
    today = clock.today()
    assert [(loan.title, loan.days_left(today), loan.reserved_by_others) for loan in loans] == [
        ("呼兰河传", -5, False), ("人生海海", 2, False), ("白鹿原", 20, True)]
    assert all(loan.loan_id > 0 and loan.branch for loan in loans)


def test_renewal_outcomes(url: str, ils: Sip2StandIn, circulation: Circulation) -> None:
    reader = login(circulation, "JL00000001", "n1")
    today = clock.today()
    renewed = circulation.renew(reader, loan_of(circulation, reader, "人生海海"))
    assert (renewed.outcome, renewed.title, renewed.due_date) == (
        RenewalOutcome.RENEWED, "人生海海", today + timedelta(days=30))
    reserved = circulation.renew(reader, loan_of(circulation, reader, "白鹿原"))
    assert (reserved.outcome, reserved.due_date) == (RenewalOutcome.RESERVED,
                                                     today + timedelta(days=20))
    overdue = circulation.renew(reader, loan_of(circulation, reader, "呼兰河传"))
    assert overdue.outcome is RenewalOutcome.TOO_OVERDUE
    other = login(circulation, "JL00000002", "n2")
    once = circulation.renew(other, loan_of(circulation, other, "局外人"))
    assert (once.outcome, once.limit) == (RenewalOutcome.MAX_RENEWALS, 1)
    # Another reader's loan, or one that does not exist: refused, nothing sent.
    sent = ils.count("29")
    assert circulation.renew(other, loan_of(circulation, reader, "白鹿原")).outcome is \
        RenewalOutcome.NOT_YOUR_LOAN
    assert circulation.renew(other, 999_999).outcome is RenewalOutcome.NOT_YOUR_LOAN
    assert ils.count("29") == sent


def test_renewals_on_cards_that_cannot_be_used(ils: Sip2StandIn,
                                               circulation: Circulation) -> None:
    new_patron(ils, "JL70000005", loans={"围城": 5})
    reader = login(circulation, "JL70000005", "c1")
    loan_id = loan_of(circulation, reader, "围城")
    ils.library.patrons["JL70000005"].blocked = True
    assert circulation.renew(reader, loan_id).outcome is RenewalOutcome.CARD_NOT_USABLE
    ils.library.patrons["JL70000005"].blocked = False
    ils.library.patrons["JL70000005"].expires_on = clock.today() - timedelta(days=1)
    assert [r.outcome for r in circulation.renew_all(reader)] == [
        RenewalOutcome.CARD_NOT_USABLE]


def test_renew_all(ils: Sip2StandIn, circulation: Circulation) -> None:
    new_patron(ils, "JL70000006", loans={"局外人": 3, "呼兰河传": -2})
    reader = login(circulation, "JL70000006", "a1")
    results = circulation.renew_all(reader)
    assert [(r.title, r.outcome) for r in results] == [
        ("呼兰河传", RenewalOutcome.TOO_OVERDUE), ("局外人", RenewalOutcome.RENEWED)]
    assert results[1].due_date == clock.today() + timedelta(days=30)
    assert ils.count("65") >= 1


def test_two_renewals_of_one_loan_at_once_renew_it_once(
        ils: Sip2StandIn, url: str, circulation: Circulation) -> None:
    # A children's card may renew twice: only the assistant keeps this to one renewal.
    new_patron(ils, "JL70000007", rules="child", loans={"追风筝的人": 4})
    wechat = login(circulation, "JL70000007", "wx-1")
    widget = login(circulation, "JL70000007", "web-1")
    loan_id = loan_of(circulation, wechat, "追风筝的人")
    sent = ils.count("29")
    start = threading.Barrier(2)
    results = []

    def renew(reader: ReaderRef) -> None:
        start.wait()
        results.append(circulation.renew(reader, loan_id))

    threads = [threading.Thread(target=renew, args=(r,)) for r in (wechat, widget)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.outcome for r in results] == [RenewalOutcome.RENEWED] * 2
    assert results[0].due_date == results[1].due_date
    assert ils.count("29") == sent + 1
    (loan,) = [loan for loan in ils.library.loans if loan.card == "JL70000007"]
    assert loan.renewals == 1


def test_account_and_fees(circulation: Circulation) -> None:
    reader = login(circulation, "JL00000001", "f1")
    status = circulation.account(reader)
    assert (status.card_type, status.card_status, status.loans, status.max_loans,
            status.max_holds) == ("成人读者证", "active", 3, 10, 5)
    assert status.expires_on > clock.today()
    assert [(f.reason, f.title, f.amount_cents, f.accruing) for f in status.fees] == [
        ("图书污损", "围城", 300, False), ("逾期", "呼兰河传", 50, True)]
    assert status.owed_cents == 350


# --- an ILS that is down, slow or garbled ----------------------------------------------

@pytest.mark.timeout(10)
def test_an_ils_that_is_not_there(url: str, ils: Sip2StandIn) -> None:
    settings = ils.configure(dataclasses.replace(load_settings(), database_url=url))
    gone = sip2_circulation(dataclasses.replace(settings, sip2_port=free_port()),
                            SqlStore(url))
    started = time.monotonic()
    with pytest.raises(ServiceUnavailableError):
        gone.verify_reader("JL00000001", PASSWORD, "test", "d1")
    assert time.monotonic() - started < 2


@pytest.mark.timeout(10)
def test_an_ils_that_goes_down(ils: Sip2StandIn, circulation: Circulation) -> None:
    reader = login(circulation, "JL00000003", "d2")
    with ils.down(), pytest.raises(ServiceUnavailableError):
        circulation.loans(reader)
    assert circulation.holds(reader) is not None  # back up: a new connection


@pytest.mark.timeout(10)
def test_a_slow_ils_is_given_up_quickly(url: str, ils: Sip2StandIn) -> None:
    quick = circulation_for(ils, url, timeout=QUICK)
    reader = login(quick, "JL00000003", "s1")
    started = time.monotonic()
    with ils.slow(), pytest.raises(ServiceUnavailableError) as refused:
        quick.loans(reader)
    assert not isinstance(refused.value, OutcomeUnknownError)  # a question changes nothing
    assert time.monotonic() - started < QUICK * 4
    assert quick.loans(reader) == []


@pytest.mark.timeout(10)
def test_a_renewal_without_an_answer_is_not_sent_again(url: str, ils: Sip2StandIn) -> None:
    quick = circulation_for(ils, url, timeout=QUICK)
    new_patron(ils, "JL70000008", loans={"霍乱时期的爱情": 6})
    reader = login(quick, "JL70000008", "s2")
    loan_id = loan_of(quick, reader, "霍乱时期的爱情")
    sent = ils.count("29")
    with ils.slow("29"), pytest.raises(OutcomeUnknownError):
        quick.renew(reader, loan_id)
    with pytest.raises(OutcomeUnknownError):  # asked again: not sent again
        quick.renew(reader, loan_id)
    assert ils.count("29") == sent + 1
    (loan,) = [loan for loan in ils.library.loans if loan.card == "JL70000008"]
    assert loan.renewals == 1  # the ILS did renew it: the loans list shows the new date
    assert quick.loans(reader)[0].due_date == loan.due_date


@pytest.mark.timeout(10)
@pytest.mark.parametrize("spoil", ["garbage", "wrong_checksum"])
def test_a_garbled_answer_is_asked_for_again_once(
        spoil: str, ils: Sip2StandIn, circulation: Circulation) -> None:
    card = "JL7000001" + ("1" if spoil == "garbage" else "2")
    new_patron(ils, card, loans={"平凡的世界（全三部）": 5})
    reader = login(circulation, card, f"g-{spoil}")
    loan_id = loan_of(circulation, reader, "平凡的世界（全三部）")
    sent, resends = ils.count("29"), ils.count("97")
    getattr(ils, spoil)(1)
    assert circulation.renew(reader, loan_id).outcome is RenewalOutcome.RENEWED
    assert (ils.count("29"), ils.count("97")) == (sent + 1, resends + 1)
    getattr(ils, spoil)(2)
    with pytest.raises(ServiceUnavailableError):
        circulation.account(reader)
    assert ils.count("97") == resends + 2
    assert circulation.account(reader).loans == 1  # the next connection is fine
