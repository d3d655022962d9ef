"""Consultation statistics: capture through the channel guard, daily aggregates, the
report's figures, periods, exports (Excel, CSV, the command line) and knowledge health,
on SQLite and PostgreSQL where the queries matter; every bad input of the issue."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from openpyxl import load_workbook
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sqlalchemy import func, insert, select

from bot import clock
from bot.admin.statistics import BUSY_TEXT, chart_data, statistics_export
from bot.channels.guard import guarded
from bot.db.models import (
    ConsultationAggregatedDay,
    ConsultationDaily,
    ConsultationEvent,
    Ticket,
    TicketMessage,
    UnansweredQuestion,
)
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.session import SqlStore
from bot.settings import clock_offset_seconds
from bot.statistics import export as export_module
from bot.statistics.capture import FEEDBACK_BUTTONS, FEEDBACK_TEXT, Recorder
from bot.statistics.export import csv_bytes, exclusive_file, workbook_bytes
from bot.statistics.generate import generate
from bot.statistics.health import knowledge_health
from bot.statistics.period import PeriodError, checked, period_from
from bot.statistics.report import consultation_report
from bot.statistics.tables import summary
from tests.library_db import BACKENDS, fresh_database

TODAY = date(2026, 10, 28)  # the session's pinned Wednesday (tests/conftest.py)
YESTERDAY = TODAY - timedelta(days=1)
Pin = Callable[[datetime], None]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path,
          monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlStore]:
    monkeypatch.setenv("WIDGET_SECRET", "statistics-test-secret")
    with fresh_database(request.param, tmp_path, demo=False) as url:
        yield SqlStore(url)


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SqlStore]:
    monkeypatch.setenv("WIDGET_SECRET", "statistics-test-secret")
    with fresh_database("sqlite", tmp_path, demo=False) as url:
        yield SqlStore(url)


@pytest.fixture
def pin() -> Iterator[Pin]:
    """Sets the clock to a local time for one test; the session's clock afterwards."""
    before = clock_offset_seconds()
    yield lambda moment: clock.set_offset(clock.offset_until(moment))
    clock.set_offset(before)


def event(day: date, hour: int = 10, **fields: Any) -> dict[str, Any]:
    row = {"at": datetime.combine(day, datetime.min.time()).replace(hour=hour), "day": day,
           "hour": hour, "channel": "widget", "conversation": "c1", "new_conversation": True,
           "part": 0, "kind": "faq", "faq_key": "", "outcome": "answered", "done": 0,
           "reply_ms": 400, "rating": None}
    return {**row, **fields}


def add(store: SqlStore, model: type, rows: list[dict[str, Any]]) -> None:
    with store.session() as session:
        session.execute(insert(model), rows)


# --- capture through the channel guard --------------------------------------------


class NoPasswords:
    """A reader-login service with no password prompt pending."""

    def take_password_prompt(self, channel: str, sender_id: str) -> None:
        return None

    def touch_reader_session(self, channel: str, sender_id: str) -> None:
        return None


REPLIES = {  # what the stand-in for Rasa answers, by message
    "借书证丢了怎么办": [{"text": "请到服务台挂失。",
                          "outcome": {"kind": "faq", "id": "card-lost"}}],
    "开门吗": [{"text": "9:00 开门。", "outcome": {"kind": "hours", "branch": "main"}}],
    "转人工": [{"text": "已为您转人工。", "outcome": {"kind": "handoff", "ticket": 1}}],
    "能续借吗": [{"text": "已续借 2 本。", "outcome": {"kind": "renewal", "renewed": 2}}],
    "qwer": [{"text": "请换个说法。", "utter_action": "utter_please_rephrase"}],
}


def talk(store: SqlStore, text: str, sender: str = "wx-openid-7",
         channel: str = "wechat") -> tuple[list[str], list[dict]]:
    """One message through the real guard; what Rasa saw and what the reader got."""
    seen: list[str] = []

    async def rasa(message: UserMessage) -> None:
        seen.append(message.text)
        for reply in REPLIES.get(message.text.rstrip("？"), []):
            await message.output_channel.send_response(message.sender_id, dict(reply))

    output = CollectingOutputChannel()
    recorder = Recorder(store, b"statistics-test-secret")
    handle = guarded(rasa, NoPasswords, lambda: SqlHandoff(store),  # type: ignore[arg-type]
                     lambda: recorder)
    asyncio.run(handle(UserMessage(text, output, sender, input_channel=channel)))
    return seen, output.messages


def events(store: SqlStore) -> list[ConsultationEvent]:
    with store.session() as session:
        return list(session.execute(
            select(ConsultationEvent).order_by(ConsultationEvent.id)).scalars())


def test_every_question_is_recorded_without_who_asked(store: SqlStore, pin: Pin) -> None:
    pin(datetime(2026, 10, 28, 10, 0))
    _, replies = talk(store, "借书证丢了怎么办")
    assert replies[0]["buttons"] == FEEDBACK_BUTTONS  # 有帮助 / 没帮助 under FAQ answers
    talk(store, "开门吗？能续借吗")  # two questions: two events of one message
    talk(store, "qwer")
    pin(datetime(2026, 10, 28, 11, 0))  # an hour later: a new conversation
    talk(store, "开门吗", channel="telegram", sender="4242")
    recorded = events(store)
    assert [(e.kind, e.faq_key, e.outcome, e.part, e.new_conversation) for e in recorded] == [
        ("faq", "card-lost", "answered", 0, True),
        ("hours", "", "answered", 0, False), ("renewal", "", "answered", 1, False),
        ("clarify", "", "unanswered", 0, False),
        ("hours", "", "answered", 0, True)]
    assert recorded[2].done == 2 and all(e.reply_ms is not None for e in recorded)
    assert [e.channel for e in recorded] == ["wechat"] * 4 + ["telegram"]
    stored = " ".join(f"{e.conversation} {e.kind} {e.faq_key} {e.channel}" for e in recorded)
    assert "wx-openid-7" not in stored and "4242" not in stored
    assert len({e.conversation for e in recorded}) == 2


def test_feedback_rates_the_answer_and_never_reaches_rasa(sqlite_store: SqlStore,
                                                          pin: Pin) -> None:
    store = sqlite_store
    pin(datetime(2026, 10, 28, 10, 0))  # not the session's clock, which has moved on
    seen, _ = talk(store, "没帮助")  # no answer to rate: the words go to the assistant
    assert seen == ["没帮助"]
    talk(store, "借书证丢了怎么办")
    seen, replies = talk(store, "👎 没帮助")
    assert seen == [] and replies[0]["text"] == FEEDBACK_TEXT[-1]
    seen, _ = talk(store, "有帮助")  # rated once only: now it is a message for Rasa
    assert seen == ["有帮助"]
    talk(store, "借书证丢了怎么办")
    pin(datetime(2026, 10, 28, 10, 31))  # too late to rate that answer
    seen, _ = talk(store, "有帮助")
    assert seen == ["有帮助"]
    assert [e.rating for e in events(store) if e.kind == "faq"] == [-1, None]


def test_a_handoff_after_an_answer_names_the_entry(sqlite_store: SqlStore) -> None:
    store = sqlite_store
    talk(store, "借书证丢了怎么办")
    talk(store, "转人工")
    handoff = events(store)[-1]
    assert (handoff.kind, handoff.outcome, handoff.faq_key) == ("handoff", "handoff", "card-lost")


# --- aggregates and the report ------------------------------------------------------


def test_closed_days_are_counted_once_and_today_live(store: SqlStore) -> None:
    two_days_ago = TODAY - timedelta(days=2)
    add(store, ConsultationEvent, [
        event(two_days_ago, channel="wechat"), event(two_days_ago, outcome="unanswered",
                                                     kind="unanswered"),
        event(YESTERDAY, kind="faq", faq_key="card-lost", conversation="c2"),
        event(TODAY, hour=9, channel="telegram", conversation="c3")])
    period = checked(two_days_ago, TODAY, TODAY)
    report = consultation_report(store, period, TODAY)
    assert [d.questions for d in report.days] == [2, 1, 1]
    assert report.by_channel == {"网页": 2, "微信": 1, "Telegram": 1}
    with store.session() as session:
        marked = set(session.execute(select(ConsultationAggregatedDay.day)).scalars())
        assert marked == {two_days_ago, YESTERDAY}  # today is counted live, not stored
        rows = session.execute(select(func.sum(ConsultationDaily.questions))).scalar_one()
        assert rows == 3
        last = session.execute(select(ConsultationEvent).where(
            ConsultationEvent.day == YESTERDAY)).scalar_one()
        last.rating = -1  # a late rating on a day already counted
        session.execute(ConsultationAggregatedDay.__table__.delete().where(
            ConsultationAggregatedDay.day == YESTERDAY))
    again = consultation_report(store, period, TODAY)
    assert consultation_report(store, period, TODAY).questions == again.questions == 4
    assert sum(t.rated_down for t in again.topics) == 1
    with store.session() as session:  # counted again, not twice
        assert session.execute(select(func.sum(ConsultationDaily.questions))).scalar_one() == 3


def test_report_figures(store: SqlStore) -> None:
    day = YESTERDAY
    at = datetime(2026, 10, 27, 10, 0)
    add(store, ConsultationEvent, [
        event(day, channel="wechat", reply_ms=200, faq_key="card-lost", rating=1),
        event(day, channel="wechat", reply_ms=600, kind="hold_placed", done=1, part=1,
              new_conversation=False),
        event(day, hour=15, kind="unanswered", outcome="unanswered", reply_ms=400,
              conversation="c2"),
        event(day, hour=15, kind="handoff", outcome="handoff", faq_key="card-lost",
              reply_ms=None, conversation="c2", new_conversation=False),
        event(day, hour=15, kind="desk", outcome="staff", reply_ms=None, conversation="c2",
              new_conversation=False)])
    add(store, Ticket, [
        {"id": 1, "channel": "widget", "sender_id": "s1", "topic": "request_human",
         "summary": "", "department": "咨询部", "status": "closed", "staff_name": "王",
         "created_at": at, "claimed_at": at + timedelta(minutes=3),
         "closed_at": at + timedelta(minutes=13), "outcome": "answered",
         "rating_state": "given", "rating": 5},
        {"id": 2, "channel": "wechat", "sender_id": "s2", "topic": "reference",
         "summary": "", "department": "咨询部", "status": "closed", "staff_name": "",
         "created_at": at, "claimed_at": None, "closed_at": at + timedelta(minutes=30),
         "outcome": "reader_left", "rating_state": "", "rating": None},
        {"id": 3, "channel": "wechat", "sender_id": "s3", "topic": "complaint",
         "summary": "", "department": "咨询部", "status": "closed", "staff_name": "王",
         "created_at": at, "claimed_at": at, "closed_at": at, "outcome": "spam",
         "rating_state": "", "rating": None}])
    add(store, TicketMessage, [{"ticket_id": 1, "author": "staff", "staff_name": "王",
                                "text": "您好", "created_at": at + timedelta(minutes=4)}])
    add(store, UnansweredQuestion, [
        {"text": text, "channel": "widget", "reason": "no_faq_match", "asked_at": at,
         "status": "open"}
        for text in ("可以带宠物吗", "可以带宠物吗？", "可以 带宠物吗",
                     "我的电话13812345678能改吗")])
    report = consultation_report(store, checked(day, day, TODAY), TODAY)
    figures = {f.name: f for f in summary(report)}
    assert figures["咨询总量（次）"].value == 5  # 3 questions the assistant had + 2 tickets
    assert figures["其中：微信"].value == 2 and figures["其中：人工"].value == 2
    assert figures["会话数"].value == 2 and figures["读者消息数"].value == 4
    assert report.results == {"assistant_answered": 2, "unanswered": 1, "staff_answered": 1,
                              "abandoned": 1}
    assert figures["解答率"].shown == "60.0%"
    assert figures["助手平均响应时间（秒）"].value == pytest.approx(0.4)
    assert figures["人工平均等待接单时间（分钟）"].value == pytest.approx(3)
    assert figures["人工平均首次响应时间（分钟）"].value == pytest.approx(4)
    assert figures["人工服务满意度（平均分，5 分制）"].value == 5
    assert figures["助手答案有帮助比例"].shown == "100.0%"
    assert figures["聊天中办理：预约图书"].value == 1
    assert report.tickets.waits == {"1–5 分钟": 1, "未接单": 1}
    faq = next(t for t in report.topics if t.faq_key == "card-lost")
    assert (faq.questions, faq.handoffs, faq.rated_up) == (1, 1, 1)
    assert report.busy[day.weekday()][10] == 1 and report.busy[day.weekday()][15] == 3
    assert report.unanswered_questions == [("可以带宠物吗", 3), ("我的电话138****5678能改吗", 1)]
    json.dumps(chart_data(report))  # whole numbers on PostgreSQL too (not Decimal)


# --- periods -----------------------------------------------------------------------


@pytest.mark.dates
def test_periods_end_today_at_the_latest() -> None:
    def period(kind: str, anchor: str | None = None) -> tuple[date, date]:
        found = period_from(kind, anchor, None, None, TODAY)
        return found.start, found.end

    assert period("day") == (TODAY, TODAY)
    assert period("week") == (date(2026, 10, 26), TODAY)  # Monday to today
    assert period("month", "2026-09-15") == (date(2026, 9, 1), date(2026, 9, 30))
    assert period("year") == (date(2026, 1, 1), TODAY)
    custom = period_from("custom", None, "2025-10-28", "2026-10-28", TODAY)
    assert custom.days == 366


@pytest.mark.parametrize(("start", "end", "says"), [
    ("2026-10-20", "2026-10-10", "统计时段为空"),  # an empty period
    ("2016-01-01", "2026-10-27", "超过一年"),  # ten years
    ("2026-10-01", "2026-11-30", "在未来"),  # a date in the future
    ("", "2026-10-27", "请填写开始日期"),
    ("2026-02-30", "2026-10-27", "不是有效日期"),
])
def test_bad_periods_get_a_clear_answer(start: str, end: str, says: str) -> None:
    with pytest.raises(PeriodError, match=says):
        period_from("custom", None, start, end, TODAY)


def test_a_day_in_the_future_is_refused() -> None:
    with pytest.raises(PeriodError, match="在未来"):
        period_from("month", "2027-01-01", None, None, TODAY)


# --- exports -----------------------------------------------------------------------


def test_workbook_first_sheet_has_the_evaluation_figures(sqlite_store: SqlStore) -> None:
    add(sqlite_store, ConsultationEvent, [event(YESTERDAY), event(YESTERDAY, channel="wechat")])
    report = consultation_report(sqlite_store, checked(YESTERDAY, YESTERDAY, TODAY), TODAY)
    book = load_workbook(io.BytesIO(workbook_bytes(report)))
    assert book.sheetnames == ["评估汇总", "按主题", "按日", "未解答问题", "人工服务", "繁忙时段"]
    first = {row[0]: row[1] for row in book["评估汇总"].iter_rows(min_row=2, values_only=True)}
    assert first["咨询总量（次）"] == 2 and first["解答率"] == 1
    assert {"其中：网页", "其中：微信", "其中：Telegram", "其中：人工"} <= set(first)
    assert book["评估汇总"]["B7"].number_format  # numbers stay numbers
    days = list(book["按日"].iter_rows(values_only=True))
    assert days[1][:4] == ("2026-10-27", "周二", 1, 1)
    text = csv_bytes(report, "days").decode("utf-8-sig")
    assert text.splitlines()[0].startswith("日期,星期,网页,微信,Telegram,人工")


def cli(store: SqlStore, *args: str) -> int:
    return export_module.main(["--database", store.database_url, *args])


def test_the_command_line_writes_the_report(sqlite_store: SqlStore, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    add(sqlite_store, ConsultationEvent, [event(YESTERDAY)])
    out = tmp_path / "report.xlsx"
    assert cli(sqlite_store, "--from", "2026-10-01", "--to", "2026-10-27", "--out", str(out)) == 0
    assert "咨询总量 1 次" in capsys.readouterr().out
    assert load_workbook(out).sheetnames[0] == "评估汇总"
    empty = tmp_path / "empty.csv"
    assert cli(sqlite_store, "--from", "2026-01-01", "--to", "2026-01-31", "--out",
               str(empty)) == 0
    assert "没有咨询记录" in capsys.readouterr().out
    assert empty.read_text(encoding="utf-8-sig").startswith("指标,数值,说明")
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


@pytest.mark.parametrize(("args", "says"), [
    (["--from", "2016-01-01", "--to", "2026-10-27"], "超过一年"),
    (["--from", "2026-10-01", "--to", "2027-10-27"], "在未来"),
    (["--from", "2026-10-27", "--to", "2026-10-01"], "统计时段为空"),
    (["--to", "2026-10-27"], "请填写开始日期 FROM"),
    (["--from", "2026-10-01", "--to", "2026-10-27", "--sheet", "nope"], "没有名为"),
])
def test_the_command_line_refuses_bad_input(sqlite_store: SqlStore, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str],
                                            args: list[str], says: str) -> None:
    out = tmp_path / "report.csv"
    assert cli(sqlite_store, *args, "--out", str(out)) == 2
    assert says in capsys.readouterr().err
    assert not out.exists() and not (tmp_path / ".report.csv.partial").exists()


def test_an_export_to_a_file_being_written_is_refused(sqlite_store: SqlStore, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]
                                                      ) -> None:
    out = tmp_path / "report.xlsx"
    out.write_bytes(b"the previous report")
    with exclusive_file(out) as handle:  # another export is writing it
        handle.write(b"half")
        assert cli(sqlite_store, "--from", "2026-10-01", "--to", "2026-10-27", "--out",
                   str(out)) == 2
        assert "另一个导出正在写入" in capsys.readouterr().err
        assert out.read_bytes() == b"the previous report"
    assert out.read_bytes() == b"half"  # the first export's file, renamed into place
    with pytest.raises(RuntimeError), exclusive_file(out) as handle:  # a failed export
        handle.write(b"partial")
        raise RuntimeError("disk full")
    assert out.read_bytes() == b"half" and not (tmp_path / ".report.xlsx.partial").exists()
    (tmp_path / ".report.xlsx.partial").write_bytes(b"left by a crash")  # not locked
    assert cli(sqlite_store, "--from", "2026-10-01", "--to", "2026-10-27", "--out", str(out)) == 0
    assert load_workbook(out).sheetnames[0] == "评估汇总"
    assert not (tmp_path / ".report.xlsx.partial").exists()


def test_an_export_asked_for_twice_at_once_is_refused() -> None:
    """While a staff member's export is being made, a second one gets a clear answer."""
    user = SimpleNamespace(user_id=7, display_name="编辑小王", role="editor")
    request = SimpleNamespace(
        app=SimpleNamespace(ctx=SimpleNamespace(statistics_exports={7})),
        ctx=SimpleNamespace(user=user, csrf=""), path="/statistics/export.xlsx",
        args={"from": "2026-10-01", "to": "2026-10-27"})
    answer = asyncio.run(statistics_export(request, "xlsx"))  # type: ignore[arg-type]
    assert answer.status == 429 and BUSY_TEXT in answer.body.decode()
    assert request.app.ctx.statistics_exports == {7}  # the first export's mark stays


# --- knowledge health ------------------------------------------------------------


def test_knowledge_health_lists_entries_to_look_at(store: SqlStore, pin: Pin) -> None:
    knowledge = SqlKnowledge(store)
    pin(datetime(2025, 6, 1, 9, 0))
    rows = [{"id": "old", "question": "很久没审核的条目？", "answer": "旧答案。",
             "category": "about"}]
    assert not knowledge.import_rows(rows, user=None, publish=True).errors
    pin(datetime(2026, 10, 28, 10, 0))
    rows = [{"id": key, "question": f"{key} 的问题？", "answer": "答案。", "category": "about",
             "placeholder": key == "guess"} for key in ("guess", "bad", "person", "fine")]
    assert not knowledge.import_rows(rows, user=None, publish=True).errors
    add(store, ConsultationEvent, [
        *(event(YESTERDAY, faq_key="bad", rating=-1) for _ in range(3)),
        event(YESTERDAY, faq_key="bad", rating=1),
        *(event(TODAY, faq_key="person") for _ in range(5)),
        *(event(TODAY, kind="handoff", outcome="handoff", faq_key="person") for _ in range(3)),
        *(event(TODAY, faq_key="fine", rating=1) for _ in range(9)),
        event(TODAY, kind="handoff", outcome="handoff", faq_key="fine")])
    health = knowledge_health(store, TODAY)
    keys = [[item.key for item in items] for _title, items in health.sections]
    assert keys == [["guess"], ["old"], ["bad"], ["person"]]
    assert health.rated_badly[0].why == "没帮助 3 次，有帮助 1 次"
    assert health.led_to_person[0].why == "答复 5 次，之后转人工 3 次"
    entry_ids = {e.key: e.entry_id for e in knowledge.entries()}
    assert health.placeholders[0].entry_id == entry_ids["guess"]


# --- the generator -----------------------------------------------------------------


def test_the_generator_writes_realistic_days_once(store: SqlStore) -> None:
    written = generate(store.database_url, 3000, YESTERDAY, days=10, seed=5)
    assert written == 3000
    report = consultation_report(store, checked(YESTERDAY - timedelta(days=9), YESTERDAY,
                                                TODAY), TODAY)
    assert report.total("messages") == 3000
    assert 0.8 < (report.answered_rate or 0) < 1 and report.tickets.count > 10
    assert report.unanswered_questions and report.tickets.rated
    with pytest.raises(SystemExit, match="已有咨询记录"):
        generate(store.database_url, 10, YESTERDAY, days=1)
    ticket = SqlHandoff(store).open_ticket("widget", "after-generation", "request_human",
                                           "新的工单", [])
    assert ticket.ticket_id > report.tickets.count  # ids go on after the generated ones


def test_readers_words_never_become_spreadsheet_formulas() -> None:
    from bot.statistics.export import inert

    assert inert('=HYPERLINK("http://evil","点我")') == '\'=HYPERLINK("http://evil","点我")'
    assert [inert(v) for v in ("+1", "@x", "-2", "周末开吗", -3, None)] == [
        "'+1", "'@x", "'-2", "周末开吗", -3, None]
