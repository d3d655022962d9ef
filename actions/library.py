"""Base class of the actions that use the library's services."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import continues_message, previous_outcomes
from bot import wiring
from bot.services.desk_roles import ReaderDesk
from bot.services.interface import (
    LibraryServices,
    Notices,
    OutcomeUnknownError,
    ReaderRef,
    ServiceUnavailableError,
)
from bot.settings import load_settings

logger = logging.getLogger(__name__)

UNAVAILABLE_TEXT = (
    "抱歉，图书馆系统暂时无法连接，请稍后再试。您的请求没有被处理，也没有任何数据被改动。"
)
#: a question whose answer the reader got a moment ago, for another question of the message
SEE_ABOVE = "这个问题的答案见上一条回复。"
OUTCOME_UNKNOWN_TEXT = (
    "抱歉，图书馆系统没有及时答复，暂时无法确认刚才的操作是否已经完成。"
    "请过几分钟查看“我的借阅”或“我的预约”确认结果。"
)


@cache
def services() -> LibraryServices:
    """The library services of this action server (bot/wiring.py)."""
    return wiring.library_services(load_settings())


def desk() -> ReaderDesk:
    """Tickets and the duty schedule of the online reference desk."""
    return wiring.reader_desk(load_settings())


def notices() -> Notices:
    """The reader's notice subscription (hold ready, loan due, overdue)."""
    return wiring.notices(load_settings())


def channel_of(tracker: Tracker) -> str:
    return tracker.get_latest_input_channel() or "rest"


def verified_reader(tracker: Tracker) -> ReaderRef | None:
    """The reader verified in this conversation (on this channel), if any."""
    return services().circulation.verified_reader(channel_of(tracker), tracker.sender_id)


class LibraryAction(Action):
    """Runs `act`; if the library system is down, tells the reader so (and changes nothing).
    An FAQ answer that an earlier question of the same message got is not given again
    (`drop_repeated_answers`).

    A reply to the previous answer — a choice among what it offered ("在河西分馆取" after
    "请选择取书的馆", "就要第一本" after search results) or a follow-up to it ("后天呢"
    after the hours, "那江宁馆的呢" after the events) — is taken by the action that answers
    it, whatever the NLU made of the words: `replies_to_previous` lists (is it such a
    reply?, action).
    """

    action_name = ""
    replies_to_previous: ClassVar[list[tuple[Callable[[Tracker], bool], type[LibraryAction]]]] = []

    def name(self) -> str:
        return self.action_name

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        raise NotImplementedError

    def take_reply(self, dispatcher: CollectingDispatcher, tracker: Tracker
                    ) -> list[dict[str, Any]]:
        """Handles a reply to the previous answer (see `replies_to_previous`)."""
        return self.act(dispatcher, tracker)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            # inside: whether a message names one of the holds just listed asks the library
            chosen = next((action for applies, action in self.replies_to_previous
                           if not isinstance(self, action) and applies(tracker)), None)
            events = (chosen().take_reply(dispatcher, tracker) if chosen is not None
                      else self.act(dispatcher, tracker))
            drop_repeated_answers(dispatcher, tracker)
            return events
        except ServiceUnavailableError as error:
            logger.warning("%s: library system unavailable: %s", self.action_name, error)
            unknown = isinstance(error, OutcomeUnknownError)
            dispatcher.utter_message(text=OUTCOME_UNKNOWN_TEXT if unknown else UNAVAILABLE_TEXT)
            return []


def entity_or_slot(tracker: Tracker, name: str) -> str | None:
    """A request parameter: from the latest message, else remembered in a slot
    (after verification the latest message is the verification outcome)."""
    for entity in tracker.latest_message.get("entities", []):
        if entity.get("entity") == name and entity.get("value") not in (None, ""):
            return str(entity["value"])
    value = tracker.get_slot(name)
    return None if value in (None, "") else str(value)


def as_id(value: str | None) -> int | None:
    """A numeric id from a button payload, or None for anything else."""
    try:
        number = int(float(value)) if value is not None else None
    except ValueError:
        return None
    return number if number and number > 0 else None


def payload(intent: str, **entities: object) -> str:
    """A button payload that triggers `intent` with entities, e.g. /place_reservation{...}."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


def drop_repeated_answers(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A question the channel cut from the reader's message ("约过的书排到第几了 顺便帮忙
    瞧瞧") does not get again an FAQ answer the message's earlier question got: the reader
    has it on screen already (and is told so when nothing else is said)."""
    if not continues_message(tracker):
        return
    given = {o.get("id") for o in previous_outcomes(tracker) if o.get("kind") == "faq"}
    repeated = [m for m in dispatcher.messages
                if (found := m.get("outcome") or {}).get("kind") == "faq"
                and found.get("id") in given]
    dispatcher.messages[:] = [m for m in dispatcher.messages if m not in repeated]
    if repeated and not dispatcher.messages:
        dispatcher.utter_message(text=SEE_ABOVE, outcome=repeated[0]["outcome"])
