"""What a turn was about and how it ended, from the outcomes of its replies
(bot/outcome.py): the topic labels librarians read and the outcome classes counted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: reply kinds after which the reader's question is still open
UNANSWERED_KINDS = frozenset({"clarify", "unanswered", "faq_menu", "error", "out_of_scope"})
#: outcome classes of an event (bot/db/models.py ConsultationEvent.outcome)
ANSWERED, UNANSWERED, HANDOFF, STAFF, FEEDBACK = (
    "answered", "unanswered", "handoff", "staff", "feedback")
#: the kind of a reader message that went to a librarian's open ticket
DESK_KIND = "desk"
#: the kind of a reader's 有帮助/没帮助 on an FAQ answer
FEEDBACK_KIND = "feedback"
#: what a turn completed for the reader (counted in `done`): kind -> label
TRANSACTIONS = {
    "hold_placed": "预约图书",
    "hold_cancelled": "取消预约",
    "renewal": "续借图书",
    "event_signup": "活动报名",
    "space_booked": "空间预约",
    "booking_cancelled": "取消报名/空间预约",
}
#: reader channels as the statistics name them; tickets count as 人工
CHANNELS = {"widget": "网页", "wechat": "微信", "telegram": "Telegram", "rest": "其他（接口）"}
STAFF_CHANNEL = "人工"

_TOPIC_KINDS = {
    "常见问题（FAQ）": ("faq",),
    "馆藏查询": ("search",),
    "图书预约": ("hold_confirm", "hold_placed", "hold_refused", "holds_list", "hold_cancelled"),
    "借阅与续借": ("loans", "renewal", "account_status", "notices"),
    "数字资源": ("digital_resources",),
    "读者活动": ("events", "event_signup", "bookings_list", "booking_refused",
                 "booking_cancelled"),
    "空间预约": ("space_slots", "space_booked"),
    "开放时间": ("hours", "unknown_branch"),
    "馆址交通": ("location",),
    "读者证验证": ("login_card", "login_password", "login_failed", "signed_out",
                   "password_kept_back"),
    "转人工": ("handoff", "handoff_ended"),
    "人工咨询中的消息": (DESK_KIND,),
    "寒暄": ("greet", "goodbye", "thanks", "bot_identity", "ask_what_else"),
    "取消操作": ("cancelled",),
    "评价": ("rated", FEEDBACK_KIND),
    "超出服务范围": ("out_of_scope",),
    "未能回答": ("clarify", "unanswered", "faq_menu", "error", "none"),
}
KIND_TOPICS = {kind: label for label, kinds in _TOPIC_KINDS.items() for kind in kinds}


def topic_label(kind: str) -> str:
    return KIND_TOPICS.get(kind, f"其他（{kind}）")


@dataclass(frozen=True)
class Classified:
    kind: str
    outcome: str
    faq_key: str = ""
    done: int = 0


def kind_of(found: Mapping[str, Any]) -> str:
    """A reply outcome's kind; a password kept back is told apart from a real "clarify"."""
    kind = str(found.get("kind") or "none")
    return "password_kept_back" if found.get("password_kept_back") else kind


def _done(found: Mapping[str, Any]) -> int:
    kind = kind_of(found)
    if kind == "renewal":
        return int(found.get("renewed") or 0)
    return 1 if kind in TRANSACTIONS else 0


def classify(outcomes: Sequence[Mapping[str, Any]], to_desk: bool = False) -> Classified:
    """The event of one question from the outcomes of its replies, in order. A turn
    that handed the reader over is a handoff; one with any answer is answered."""
    kinds = [kind_of(found) for found in outcomes]
    if FEEDBACK_KIND in kinds or "rated" in kinds:
        return Classified(FEEDBACK_KIND if FEEDBACK_KIND in kinds else "rated", FEEDBACK)
    if to_desk:
        return Classified("handoff_ended" if "handoff_ended" in kinds else DESK_KIND, STAFF)
    if "handoff" in kinds:
        return Classified("handoff", HANDOFF)
    done = sum(_done(found) for found in outcomes)
    for found in outcomes:
        kind = kind_of(found)
        if kind not in UNANSWERED_KINDS:
            key = str(found.get("id") or "") if kind == "faq" else ""
            return Classified(kind, ANSWERED, key[:60], done)
    return Classified(kinds[0] if kinds else "none", UNANSWERED, "", done)
