"""Capture at the channel layer: the guard (bot/channels/guard.py) opens a Turn for every
reader message; the Turn watches the outcomes of the replies sent (bot/outcome.py) and
stores one privacy-free ConsultationEvent per question: time, channel, topic, outcome,
reply time. No text, sender id or card number is stored: the conversation is a keyed
hash (HMAC with the widget secret) of channel, sender and day, so the same reader gets
another key every day and nobody can recompute a key without the secret.

The Turn also adds 有帮助/没帮助 buttons to FAQ answers and takes the reader's answer
(the rating of that FAQ answer; it never reaches Rasa). A failure to record is logged
and never keeps a reader from their answer.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sqlalchemy import delete, select

from bot import clock
from bot.db.models import ConsultationAggregatedDay, ConsultationEvent
from bot.outcome import UTTERED, outcome
from bot.services.sql.session import SqlStore
from bot.statistics.topics import ANSWERED, FEEDBACK_KIND, HANDOFF, Classified, classify

logger = logging.getLogger(__name__)

#: a reader silent for longer starts a new conversation
CONVERSATION_GAP = timedelta(minutes=30)
#: feedback is taken for an FAQ answer given at most this long ago
FEEDBACK_WINDOW = timedelta(minutes=30)
FEEDBACK_BUTTONS = [{"title": "👍 有帮助", "payload": "有帮助"},
                    {"title": "👎 没帮助", "payload": "没帮助"}]
FEEDBACK_VOTES = {"有帮助": 1, "没帮助": -1}
FEEDBACK_TEXT = {1: "谢谢您的反馈！",
                 -1: "谢谢您的反馈，我们会改进这条回答。如需馆员帮助，请说“转人工”。"}


def conversation_key(secret: bytes, channel: str, sender: str, day: date) -> str:
    message = f"{day.isoformat()}\n{channel}\n{sender}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()[:24]


def feedback_vote(text: str) -> int | None:
    """1 / -1 for 有帮助 / 没帮助 (as typed, or the button's title), else None."""
    return FEEDBACK_VOTES.get(text.replace("👍", "").replace("👎", "").strip())


@dataclass(frozen=True)
class Question:
    event: Classified
    reply_ms: int | None


class Recorder:
    """Writes consultation events to the library database."""

    def __init__(self, store: SqlStore, secret: bytes) -> None:
        self.store, self.secret = store, secret

    def record(self, channel: str, sender: str, at: datetime,
               questions: list[Question]) -> None:
        key = conversation_key(self.secret, channel, sender, at.date())
        with self.store.session() as session:
            last = session.execute(
                select(ConsultationEvent).where(ConsultationEvent.conversation == key)
                .order_by(ConsultationEvent.id.desc()).limit(1)
            ).scalar_one_or_none()
            recent = last is not None and at - last.at <= CONVERSATION_GAP
            for part, question in enumerate(questions):
                event = question.event
                faq_key = event.faq_key
                if event.outcome == HANDOFF and recent and last.kind == "faq":
                    faq_key = last.faq_key  # the answer that did not help enough
                session.add(ConsultationEvent(
                    at=at, day=at.date(), hour=at.hour, channel=channel[:16],
                    conversation=key, new_conversation=part == 0 and not recent, part=part,
                    kind=event.kind[:24], faq_key=faq_key, outcome=event.outcome,
                    done=event.done, reply_ms=question.reply_ms))

    def rate_last_answer(self, channel: str, sender: str, vote: int) -> bool:
        """Rates the conversation's last event if it is a recent FAQ answer not yet rated;
        a day already counted is counted again at the next look (its mark is removed)."""
        now = clock.now()
        key = conversation_key(self.secret, channel, sender, now.date())
        with self.store.session() as session:
            last = session.execute(
                select(ConsultationEvent).where(ConsultationEvent.conversation == key,
                                                ConsultationEvent.outcome != "feedback")
                .order_by(ConsultationEvent.id.desc()).limit(1)
            ).scalar_one_or_none()
            if (last is None or last.kind != "faq" or last.outcome != ANSWERED
                    or last.rating is not None or now - last.at > FEEDBACK_WINDOW):
                return False
            last.rating = vote
            session.execute(delete(ConsultationAggregatedDay)
                            .where(ConsultationAggregatedDay.day == last.day)
                            .execution_options(synchronize_session=False))
            return True


class RecordingOutput(OutputChannel):
    """An output channel in front of the channel's own: notes each reply's outcome and
    offers feedback buttons under FAQ answers."""

    def __init__(self, inner: OutputChannel, turn: Turn) -> None:
        self.inner, self.turn = inner, turn

    @classmethod
    def name(cls) -> str:
        return "recording"

    def _note(self, kwargs: dict[str, Any]) -> dict[str, Any] | None:
        found = kwargs.get("outcome")
        if found is None and kwargs.get("utter_action") in UTTERED:
            found = {"kind": UTTERED[kwargs["utter_action"]]}
        if isinstance(found, dict):
            self.turn.outcomes.append(found)
            return found
        return None

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        found = self._note(message)
        if found and found.get("kind") == "faq" and message.get("text"):
            message["buttons"] = [*(message.get("buttons") or []), *FEEDBACK_BUTTONS]
        await self.inner.send_response(recipient_id, message)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        self._note(kwargs)
        await self.inner.send_text_message(recipient_id, text, **kwargs)

    async def send_text_with_buttons(self, recipient_id: str, text: str,
                                     buttons: list[dict[str, Any]], **kwargs: Any) -> None:
        self._note(kwargs)
        await self.inner.send_text_with_buttons(recipient_id, text, buttons, **kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any],
                               **kwargs: Any) -> None:
        self._note(kwargs)
        await self.inner.send_custom_json(recipient_id, json_message, **kwargs)


@dataclass
class Turn:
    """One reader message on its way through the guard. Without a recorder (a guard
    built on stand-ins) it records nothing and leaves the message alone."""

    message: UserMessage
    recorder: Recorder | None
    output: OutputChannel = field(init=False)  # the channel's own output channel
    outcomes: list[dict[str, Any]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    to_desk: bool = False
    at: datetime = field(default_factory=clock.now)
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.output = self.message.output_channel
        if self.recorder is not None:
            self.message.output_channel = RecordingOutput(self.output, self)

    def went_to_desk(self) -> None:
        self.to_desk = True

    def end_question(self) -> None:
        """The replies to one question are out (several questions: one call each)."""
        replied = bool(self.outcomes)
        self.questions.append(Question(
            classify(self.outcomes, self.to_desk),
            round((time.monotonic() - self.started) * 1000) if replied else None))
        self.outcomes = []

    async def took_feedback(self) -> bool:
        """Takes 有帮助/没帮助 after an FAQ answer (True: the reader was answered)."""
        vote = feedback_vote(self.message.text or "")
        if vote is None or self.recorder is None:
            return False
        try:
            rated = await asyncio.to_thread(self.recorder.rate_last_answer,
                                            self.message.input_channel,
                                            self.message.sender_id, vote)
        except Exception:  # not rated: the words go on to the assistant
            logger.warning("Feedback on an answer not recorded", exc_info=True)
            return False
        if rated:
            await self.message.output_channel.send_text_message(
                self.message.sender_id, FEEDBACK_TEXT[vote], **outcome(FEEDBACK_KIND))
        return rated

    async def record(self) -> None:
        if self.recorder is None:
            return
        self.end_question()  # the last (or only) question
        try:
            await asyncio.to_thread(self.recorder.record, self.message.input_channel or "",
                                    self.message.sender_id, self.at, self.questions)
        except Exception:  # statistics must never cost a reader their answer
            logger.warning("Consultation statistics not recorded", exc_info=True)
