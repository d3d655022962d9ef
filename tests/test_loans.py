"""Loans, renewals, what readers owe, and notices, on SQLite and PostgreSQL (the demo
readers of README.md: JL00000001 has a loan due in 2 days, one reserved by another
reader, one 5 days overdue and a 3.00 元 fee)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from bot import clock
from bot.db.engine import session_factory
from bot.db.models import InboundMessage, Loan, OutboxMessage, Reader
from bot.notices import notice_message, run_pass
from bot.services.interface import NoticeStatus, ReaderRef, RenewalOutcome, Verification
from bot.services.sql.circulation import SqlCirculation
from bot.services.sql.notices import SqlNotices
from bot.services.sql.session import SqlStore
from tests.library_db import BACKENDS, copy_of, fresh_database

pytestmark = [pytest.mark.dates, pytest.mark.timeout(120)]

PASSWORD = "reader123"


@pytest.fixture(scope="module", params=BACKENDS)
def demo_library(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(request.param, tmp_path_factory.mktemp("demo")) as database_url:
        yield database_url


@pytest.fixture
def url(demo_library: str, tmp_path: Path) -> Iterator[str]:
    """A fresh copy of the demo library for each test."""
    with copy_of(demo_library, tmp_path) as database_url:
        yield database_url


def reader(url: str, card: str) -> ReaderRef:
    with session_factory(url)() as session:
        row = session.execute(select(Reader).where(Reader.card_number == card)).scalar_one()
        return ReaderRef(row.id, row.card_number, row.name)


def loan_id(circulation: SqlCirculation, who: ReaderRef, title: str) -> int:
    return next(loan.loan_id for loan in circulation.loans(who) if loan.title == title)


def test_loans_are_listed_earliest_due_first(url: str) -> None:
    circulation = SqlCirculation(SqlStore(url))
    loans = circulation.loans(reader(url, "JL00000001"))
    today = clock.today()
    assert [(loan.title, loan.days_left(today)) for loan in loans] == [
        ("呼兰河传", -5), ("人生海海", 2), ("白鹿原", 20)]
    assert [loan.reserved_by_others for loan in loans] == [False, False, True]
    assert circulation.loans(reader(url, "JL00000003")) == []


def test_a_renewal_extends_the_loan_once_within_the_rules(url: str) -> None:
    circulation = SqlCirculation(SqlStore(url))
    zhang = reader(url, "JL00000001")
    today = clock.today()
    renewed = circulation.renew(zhang, loan_id(circulation, zhang, "人生海海"))
    assert renewed.outcome is RenewalOutcome.RENEWED
    assert renewed.due_date == today + timedelta(days=30)
    again = circulation.renew(zhang, loan_id(circulation, zhang, "人生海海"))
    assert (again.outcome, again.due_date) == (RenewalOutcome.RENEWED, renewed.due_date)
    assert next(loan.renewals for loan in circulation.loans(zhang)
                if loan.title == "人生海海") == 1  # asking twice used up one renewal
    li = reader(url, "JL00000002")
    limit = circulation.renew(li, loan_id(circulation, li, "局外人"))
    assert (limit.outcome, limit.limit) == (RenewalOutcome.MAX_RENEWALS, 1)
    reserved = circulation.renew(zhang, loan_id(circulation, zhang, "白鹿原"))
    assert reserved.outcome is RenewalOutcome.RESERVED
    overdue = circulation.renew(zhang, loan_id(circulation, zhang, "呼兰河传"))
    assert overdue.outcome is RenewalOutcome.TOO_OVERDUE


def test_nobody_renews_a_loan_that_is_not_theirs(url: str) -> None:
    circulation = SqlCirculation(SqlStore(url))
    zhang, li = reader(url, "JL00000001"), reader(url, "JL00000002")
    others = loan_id(circulation, li, "局外人")
    assert circulation.renew(zhang, others).outcome is RenewalOutcome.NOT_YOUR_LOAN
    assert circulation.renew(zhang, 999_999).outcome is RenewalOutcome.NOT_YOUR_LOAN
    expired = reader(url, "JL00000005")
    refused = circulation.renew(expired, loan_id(circulation, expired, "从一到无穷大"))
    assert refused.outcome is RenewalOutcome.CARD_NOT_USABLE


def test_two_renewals_at_once_extend_the_loan_once(url: str) -> None:
    circulation = SqlCirculation(SqlStore(url))
    zhang = reader(url, "JL00000001")
    target = loan_id(circulation, zhang, "人生海海")
    start = threading.Barrier(2)
    outcomes: list[RenewalOutcome] = []

    def renew() -> None:
        start.wait(timeout=10)
        outcomes.append(circulation.renew(zhang, target).outcome)

    threads = [threading.Thread(target=renew) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert [o.value for o in outcomes] == ["renewed", "renewed"]
    renewed = next(loan for loan in circulation.loans(zhang) if loan.loan_id == target)
    assert renewed.renewals == 1
    assert renewed.due_date == clock.today() + timedelta(days=30)


def test_renew_all_reports_each_loan(url: str) -> None:
    circulation = SqlCirculation(SqlStore(url))
    results = circulation.renew_all(reader(url, "JL00000001"))
    assert sorted((r.title, r.outcome.value) for r in results) == [
        ("人生海海", "renewed"), ("呼兰河传", "too_overdue"), ("白鹿原", "reserved")]


def test_the_account_shows_fees_limits_and_expiry(url: str) -> None:
    status = SqlCirculation(SqlStore(url)).account(reader(url, "JL00000001"))
    assert (status.card_status, status.loans, status.max_loans, status.holds,
            status.max_holds) == ("active", 3, 10, 2, 5)
    assert [(f.reason, f.title, f.amount_cents, f.accruing) for f in status.fees] == [
        ("图书污损", "围城", 300, False), ("逾期", "呼兰河传", 50, True)]
    assert status.owed_cents == 350
    assert status.expires_on > clock.today()


def verify(url: str, card: str, channel: str, sender: str) -> None:
    outcome = SqlCirculation(SqlStore(url)).verify_reader(card, PASSWORD, channel, sender)
    assert outcome is Verification.VERIFIED


def outbox_count(url: str) -> int:
    with session_factory(url)() as session:
        return session.execute(select(func.count()).select_from(OutboxMessage)).scalar_one()


def test_notices_go_once_to_the_channel_the_reader_verified_on(url: str) -> None:
    notices = SqlNotices(SqlStore(url))
    today = clock.today()
    due = {(n.kind, n.title) for n in notices.due_notices(today)}
    assert due == {("due_soon", "人生海海"), ("overdue", "呼兰河传")}  # 局外人: 12 days left
    verify(url, "JL00000001", "telegram", "4242")
    daytime = datetime.combine(today, time(10, 0))
    first = run_pass(notices, daytime)
    assert first.statuses == {"queued": 2}
    assert outbox_count(url) == 2
    assert run_pass(notices, daytime).handled == 0  # nothing twice
    with session_factory(url)() as session:
        texts = session.execute(select(OutboxMessage.payload)).scalars().all()
    assert any("续借" in text and "renew_loan" in text for text in texts)


def test_two_schedulers_never_send_one_notice_twice(url: str) -> None:
    notices = SqlNotices(SqlStore(url))
    verify(url, "JL00000001", "telegram", "4242")
    notice = next(n for n in notices.due_notices(clock.today()) if n.kind == "overdue")
    start = threading.Barrier(4)
    statuses: list[NoticeStatus] = []

    def send() -> None:
        start.wait(timeout=10)
        statuses.append(notices.send_notice(notice, notice_message(notice, clock.today())))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(s.value for s in statuses) == ["already"] * 3 + ["queued"]
    assert outbox_count(url) == 1


def test_quiet_hours_unsubscribed_readers_and_closed_wechat_windows(url: str) -> None:
    notices = SqlNotices(SqlStore(url))
    today = clock.today()
    assert run_pass(notices, datetime.combine(today, time(21, 30))).handled == 0
    assert run_pass(notices, datetime.combine(today, time(7, 59))).handled == 0
    zhang = reader(url, "JL00000001")
    notices.set_subscribed(zhang, False)
    skipped = run_pass(notices, datetime.combine(today, time(9, 0)))
    assert skipped.statuses == {"skipped": 2} and outbox_count(url) == 0


def test_a_wechat_notice_waits_for_the_reader_then_goes(url: str) -> None:
    notices = SqlNotices(SqlStore(url))
    verify(url, "JL00000001", "wechat", "openid-zhang")
    report = run_pass(notices, datetime.combine(clock.today(), time(9, 0)))
    assert report.statuses == {"waiting": 2} and outbox_count(url) == 0
    with session_factory(url).begin() as session:
        session.add(InboundMessage(channel="wechat", message_key="m1", sender="openid-zhang",
                                   received_at=clock.now()))
    assert notices.send_waiting() == 2
    assert outbox_count(url) == 2
    assert notices.send_waiting() == 0


def test_with_a_template_wechat_notices_go_at_once(url: str) -> None:
    notices = SqlNotices(SqlStore(url), wechat_template=True)
    verify(url, "JL00000001", "wechat", "openid-zhang")
    report = run_pass(notices, datetime.combine(clock.today(), time(9, 0)))
    assert report.statuses == {"queued": 2}
    with session_factory(url)() as session:
        payloads = session.execute(select(OutboxMessage.payload)).scalars().all()
    assert all('"template": true' in payload for payload in payloads)


def test_a_notice_waits_for_the_next_visit_and_is_dropped_when_no_longer_true(
        url: str) -> None:
    notices = SqlNotices(SqlStore(url))
    daytime = datetime.combine(clock.today(), time(9, 0))
    assert run_pass(notices, daytime).statuses == {"waiting": 2}  # never reachable yet
    with session_factory(url).begin() as session:  # 《人生海海》 comes back
        session.execute(update(Loan).where(Loan.due_date == clock.today() + timedelta(days=2))
                        .values(returned_at=clock.now()))
    verify(url, "JL00000001", "widget", "visitor-1")  # the next visit
    assert notices.send_waiting() == 1  # the overdue one; the returned book's is dropped
    with session_factory(url)() as session:
        rows = session.execute(select(OutboxMessage.channel, OutboxMessage.recipient,
                                      OutboxMessage.payload)).all()
    assert [(channel, recipient) for channel, recipient, _ in rows] == [("widget", "visitor-1")]
    assert "逾期" in rows[0][2]
    assert notices.send_waiting() == 0
