"""The staff desk: the ticket queue, claiming, the ticket page (live transcript, reply,
internal notes, transfer, close, resending failed deliveries) and FAQ drafts from good
staff answers. Every signed-in staff member may use it; the handoff service decides
who may act on a ticket.

Forms work as plain POSTs (redirect afterwards); desk.js sends the same forms with
``Accept: application/json`` and gets ``{"redirect": url}`` or ``{"error": text}``.

The queue and the ticket page get what changes as Server-Sent Events (queue/events,
tickets/N/events; see bot/live_stream.py), with the same sign-in as every desk page; the
JSON endpoints they replace stay for desk.js's fallback when a stream fails.
"""

from __future__ import annotations

import asyncio
import json

from sanic import Blueprint, Request
from sanic.exceptions import NotFound
from sanic.response import HTTPResponse, redirect
from sanic.response import json as json_response

from bot import clock
from bot.admin.auth import SESSION_COOKIE
from bot.admin.desk_view import duty_json, line_json, ticket_json
from bot.admin.entries import editor_page, form_values
from bot.admin.views import message, render
from bot.admin.workflow_views import as_int
from bot.live_stream import (
    CHECK_SECONDS,
    Event,
    Fetch,
    StreamSlots,
    TooManyStreamsError,
    resume_point,
    serve_events,
)
from bot.services.desk_roles import StaffDesk
from bot.services.faq_model import CATEGORIES, MAX_QUESTION_CHARS, FaqContent, FaqError
from bot.services.handoff_model import (
    DEPARTMENTS,
    OUTCOMES,
    HandoffError,
    StaffActor,
    TicketInfo,
)

bp = Blueprint("desk")
MAX_TEXT_CHARS = 2000
#: "reader_left" is recorded when the reader ends the handoff, not chosen by staff
STAFF_OUTCOMES = {code: label for code, label in OUTCOMES.items() if code != "reader_left"}
NOTICES = {
    "claimed": "已接单。读者的新消息会自动显示在这里。",
    "replied": "回复已保存，正在发送给读者。",
    "noted": "内部备注已添加（读者看不到）。",
    "transferred": "工单已转交。",
    "closed": "工单已关闭；如适用，系统已请读者为本次服务评分。",
    "resent": "未送达的消息已重新排队发送。",
}
#: open event streams per staff member (a few tabs of the desk)
MAX_STREAMS = 8
#: the queue is rebuilt (a few queries) at most this often
QUEUE_CHECK_SECONDS = 0.5
DRAFT_HINT = ("已用读者的问题和馆员的回答预填，请检查措辞、选择分类，"
              "再“保存并提交审核”；审核通过后才会对读者生效。")


def _desk(request: Request) -> StaffDesk:
    return request.app.ctx.desk


def _actor(request: Request) -> StaffActor:
    user = request.ctx.user
    return StaffActor(user.user_id, user.display_name)


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _done(request: Request, url: str, code: str) -> HTTPResponse:
    target = f"{url}?done={code}"
    if _wants_json(request):
        return json_response({"redirect": target})
    return redirect(target, status=303)


def refused(request: Request, error: HandoffError) -> HTTPResponse:
    """A request the handoff service refused (e.g. claimed by someone else, closed)."""
    if _wants_json(request):
        return json_response({"error": str(error)}, status=409)
    return message(request, str(error), 409)


def _ticket(request: Request, ticket_id: int) -> TicketInfo:
    ticket = _desk(request).ticket(ticket_id)
    if ticket is None:
        raise NotFound("no such ticket")
    return ticket


def _text(request: Request, what: str) -> str:
    text = (request.form.get("text") or "").strip()
    if len(text) > MAX_TEXT_CHARS:
        raise HandoffError(f"{what}不能超过 {MAX_TEXT_CHARS} 字。")
    return text


def _notice(request: Request) -> str:
    return NOTICES.get(request.args.get("done", ""), "")


@bp.get("/desk")
async def queue_page(request: Request) -> HTTPResponse:
    return render(request, "desk_queue.html", notice=_notice(request))


@bp.get("/desk/queue.json")
async def queue_json(request: Request) -> HTTPResponse:
    desk, now = _desk(request), clock.now()
    tickets = [ticket_json(t, now, request.ctx.user.user_id)
               for t in desk.queue()]
    return json_response({"duty": duty_json(desk.duty_status()), "tickets": tickets})


def _streams(request: Request) -> StreamSlots:
    ctx = request.app.ctx
    if not hasattr(ctx, "desk_streams"):
        ctx.desk_streams = StreamSlots(MAX_STREAMS)
    return ctx.desk_streams


async def _stream(request: Request, fetch: Fetch, cursor: int,
                  check_seconds: float | None = None) -> HTTPResponse | None:
    """Streams fetch's events while the staff member stays signed in."""
    token = request.cookies.get(SESSION_COOKIE)
    staff = request.app.ctx.staff

    async def still_signed_in() -> bool:
        return await asyncio.to_thread(staff.session_user, token) is not None

    user_key = str(request.ctx.user.user_id)
    try:
        async with _streams(request).slot(user_key):
            await serve_events(request, fetch, cursor, still_allowed=still_signed_in,
                               check_seconds=check_seconds or CHECK_SECONDS)
    except TooManyStreamsError:
        return json_response({"error": "too many open streams"}, status=429)
    return None


@bp.get("/desk/queue/events")
async def queue_events(request: Request) -> HTTPResponse | None:
    """The queue (as queue.json) whenever it changes; event ids count the versions."""
    desk, me = _desk(request), request.ctx.user.user_id
    shown = ""

    def queue_now() -> dict:
        now = clock.now()
        return {"duty": duty_json(desk.duty_status()),
                "tickets": [ticket_json(t, now, me) for t in desk.queue()]}

    async def fetch(version: int) -> tuple[list[Event], int]:
        nonlocal shown
        queue = await asyncio.to_thread(queue_now)
        text = json.dumps(queue, sort_keys=True)
        if text == shown:
            return [], version
        shown = text
        return [(version + 1, "queue", queue)], version + 1

    return await _stream(request, fetch, resume_point(request) or 0, QUEUE_CHECK_SECONDS)


@bp.get("/desk/tickets/<ticket_id:int>/events")
async def ticket_events(request: Request, ticket_id: int) -> HTTPResponse | None:
    """New transcript lines ("line", id = the line id) and the ticket's state when it
    changes ("ticket", id = the last line id, so Last-Event-ID resumes the lines)."""
    desk, me = _desk(request), request.ctx.user.user_id
    after = resume_point(request, request.args.get("after"))
    if after is None:
        raise HandoffError("after is not a line id")
    _ticket(request, ticket_id)
    shown: dict = {}

    def changes(cursor: int) -> tuple[TicketInfo | None, list]:
        return desk.ticket(ticket_id), desk.transcript(ticket_id, cursor)

    async def fetch(cursor: int) -> tuple[list[Event], int]:
        ticket, lines = await asyncio.to_thread(changes, cursor)
        events: list[Event] = [(line.line_id, "line", line_json(line)) for line in lines]
        cursor = max([cursor, *(line.line_id for line in lines)])
        state = ticket_json(ticket, clock.now(), me) if ticket else {}
        if state != shown:
            shown.clear()
            shown.update(state)
            events.append((cursor, "ticket", state))
        return events, cursor

    return await _stream(request, fetch, after)


@bp.post("/desk/tickets/<ticket_id:int>/claim")
async def claim(request: Request, ticket_id: int) -> HTTPResponse:
    _desk(request).claim(ticket_id, _actor(request))
    return _done(request, f"/desk/tickets/{ticket_id}", "claimed")


@bp.get("/desk/tickets/<ticket_id:int>")
async def ticket_page(request: Request, ticket_id: int) -> HTTPResponse:
    ticket = _ticket(request, ticket_id)
    me = request.ctx.user.user_id
    colleagues = [u for u in request.app.ctx.staff.active_users() if u.user_id != me]
    return render(
        request, "desk_ticket.html", notice=_notice(request), ticket=ticket,
        shown=ticket_json(ticket, clock.now(), me),
        canned=_desk(request).canned_replies(), colleagues=colleagues,
        departments=DEPARTMENTS, outcomes=STAFF_OUTCOMES, max_text=MAX_TEXT_CHARS,
    )


@bp.get("/desk/tickets/<ticket_id:int>/lines.json")
async def lines_json(request: Request, ticket_id: int) -> HTTPResponse:
    after = as_int(request.args.get("after", "0"))
    ticket = _ticket(request, ticket_id)
    lines = _desk(request).transcript(ticket_id, max(after, 0))
    return json_response({
        "ticket": ticket_json(ticket, clock.now(), request.ctx.user.user_id),
        "lines": [line_json(line) for line in lines],
    })


@bp.post("/desk/tickets/<ticket_id:int>/reply")
async def reply(request: Request, ticket_id: int) -> HTTPResponse:
    _desk(request).reply(ticket_id, _actor(request), _text(request, "回复"))
    return _done(request, f"/desk/tickets/{ticket_id}", "replied")


@bp.post("/desk/tickets/<ticket_id:int>/note")
async def note(request: Request, ticket_id: int) -> HTTPResponse:
    _desk(request).add_note(ticket_id, _actor(request), _text(request, "备注"))
    return _done(request, f"/desk/tickets/{ticket_id}", "noted")


def _colleague(request: Request, staff_id: str) -> StaffActor:
    wanted = as_int(staff_id)
    for user in request.app.ctx.staff.active_users():
        if user.user_id == wanted and user.user_id != request.ctx.user.user_id:
            return StaffActor(user.user_id, user.display_name)
    raise HandoffError("请选择要转交的同事。")


@bp.post("/desk/tickets/<ticket_id:int>/transfer")
async def transfer(request: Request, ticket_id: int) -> HTTPResponse:
    kind, _, value = (request.form.get("to") or "").partition(":")
    if kind == "staff":
        _desk(request).transfer(ticket_id, _actor(request),
                                to_staff=_colleague(request, value))
    elif kind == "department" and value in DEPARTMENTS:
        _desk(request).transfer(ticket_id, _actor(request), to_department=value)
    else:
        raise HandoffError("请选择转交给哪位同事或哪个部门。")
    return _done(request, "/desk", "transferred")


@bp.post("/desk/tickets/<ticket_id:int>/close")
async def close(request: Request, ticket_id: int) -> HTTPResponse:
    outcome = request.form.get("outcome") or ""
    if outcome not in STAFF_OUTCOMES:
        raise HandoffError("请选择处理结果。")
    _desk(request).close(ticket_id, _actor(request), outcome)
    return _done(request, f"/desk/tickets/{ticket_id}", "closed")


@bp.post("/desk/tickets/<ticket_id:int>/retry")
async def retry(request: Request, ticket_id: int) -> HTTPResponse:
    _ticket(request, ticket_id)
    _desk(request).retry_failed(ticket_id)
    return _done(request, f"/desk/tickets/{ticket_id}", "resent")


@bp.get("/desk/tickets/<ticket_id:int>/faq")
async def faq_draft(request: Request, ticket_id: int) -> HTTPResponse:
    """The console's new-entry form, prefilled from a staff answer and the reader's
    question before it (the ticket's question if the reader wrote nothing since)."""
    ticket = _ticket(request, ticket_id)
    line_id = as_int(request.args.get("line"))
    lines = _desk(request).transcript(ticket_id)
    answer = next((line for line in lines
                   if line.line_id == line_id and line.author == "staff"), None)
    if answer is None:
        raise FaqError("请选择本工单中馆员的一条回复。")
    question = next((line.text for line in reversed(lines)
                     if line.author == "reader" and line.line_id < line_id), ticket.summary)
    content = FaqContent(question=question.strip()[:MAX_QUESTION_CHARS], answer=answer.text,
                         category=next(iter(CATEGORIES)), source=f"人工咨询工单 #{ticket_id}")
    return editor_page(request, form=form_values(content), notice=DRAFT_HINT)
