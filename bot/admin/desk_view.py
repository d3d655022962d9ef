"""What the staff desk shows: Chinese labels and the JSON the desk's pages poll.

Every text goes out as plain data; desk.js inserts it with textContent only.
"""

from __future__ import annotations

from datetime import datetime

from bot.services.handoff_model import (
    CHANNEL_LABELS,
    STATUS_LABELS,
    DutyStatus,
    TicketInfo,
    TicketLine,
    weekday_and_time,
)

AUTHORS = {"history": "转人工前", "reader": "读者", "system": "系统"}


def _minutes(since: datetime, now: datetime) -> str:
    minutes = int((now - since).total_seconds() // 60)
    return f"{minutes} 分钟" if minutes >= 1 else "不到 1 分钟"


def waited_text(ticket: TicketInfo, now: datetime) -> str:
    """"已等待 5 分钟" for a waiting ticket, "已接待 3 分钟" once someone has it."""
    if ticket.status == "waiting" or ticket.claimed_at is None:
        return f"已等待 {_minutes(ticket.created_at, now)}"
    return f"已接待 {_minutes(ticket.claimed_at, now)}"


def duty_json(duty: DutyStatus) -> dict:
    if duty.on_duty:
        return {"on_duty": True, "text": f"值班中（{duty.schedule_text}）"}
    text = f"当前为非值班时间（{duty.schedule_text}）"
    if duty.next_shift is not None:
        text += f"，下一班：{weekday_and_time(duty.next_shift)}"
    return {"on_duty": False, "text": text + "。读者已被告知回复会稍晚。"}


def ticket_json(ticket: TicketInfo, now: datetime, staff_id: int) -> dict:
    return {
        "id": ticket.ticket_id,
        "url": f"/desk/tickets/{ticket.ticket_id}",
        "claim_url": f"/desk/tickets/{ticket.ticket_id}/claim",
        "waited": waited_text(ticket, now),
        "topic": ticket.topic_label,
        "summary": ticket.summary,
        "channel": CHANNEL_LABELS.get(ticket.channel, ticket.channel),
        "department": ticket.department,
        "status": ticket.status,
        "status_label": STATUS_LABELS.get(ticket.status, ticket.status),
        "staff_name": ticket.staff_name,
        "mine": ticket.staff_id == staff_id,
        "failed": ticket.failed_deliveries,
    }


def line_json(line: TicketLine) -> dict:
    if line.author == "staff":
        who = line.staff_name or "馆员"
    elif line.author == "note":
        who = f"内部备注 · {line.staff_name}"
    else:
        who = AUTHORS.get(line.author, line.author)
    found = {"id": line.line_id, "author": line.author, "who": who, "text": line.text,
             "time": f"{line.created_at:%m-%d %H:%M:%S}"}
    if line.author == "staff":
        found["faq_url"] = f"/desk/tickets/{line.ticket_id}/faq?line={line.line_id}"
    return found
