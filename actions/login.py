"""Reader verification inside the conversation (the `login_form`).

The card number is asked for by the form. The password is not seen by Rasa at all:
`action_ask_verification` tells the channel guard (bot/channels/guard.py) to expect
it; the guard checks it and passes on only the outcome as the `verification` entity.
The outcome is trusted only if the database agrees that this conversation is verified.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.context import continues_message
from actions.faq_answers import answer_if_certain
from actions.library import UNAVAILABLE_TEXT, channel_of, services, verified_reader
from bot.card_numbers import TYPED_AS_A_CARD, card_in
from bot.outcome import outcome
from bot.question_words import ASKS
from bot.services.interface import ServiceUnavailableError, Verification

LOGIN_SLOTS = ("card_number", "verification")
#: what a request remembers while the reader verifies (holds, renewals)
PENDING_REQUEST_SLOTS = ("bib_id", "pickup_branch", "hold_id", "loan_id", "loan_title")
#: ... and what every request may remember (sign-ups and bookings too)
WAITING_SLOTS = (*PENDING_REQUEST_SLOTS, "event_id", "slot_id", "booking_id")
#: refusals after which the reader may well give another card (a child's, a family
#: member's): the refusal tells what was waiting (see actions/resume.py)
ANOTHER_CARD_MAY_DO = ("blocked", "expired")
# One answer for an unknown card and a wrong password (bot/services/sql/reader_login.py).
RETRY_TEXT = "读者证号或密码不正确。"
TOO_MANY_TEXT = (
    "尝试次数过多，为保护读者账户，验证已暂停，请稍后（15 分钟至 1 小时）再试，"
    "或到馆咨询服务台。"
)
REASONS = {
    Verification.LOCKED.value: "locked",
    Verification.THROTTLED.value: "locked",
    Verification.CARD_BLOCKED.value: "blocked",
    Verification.CARD_EXPIRED.value: "expired",
}
FINAL = {
    Verification.LOCKED.value: TOO_MANY_TEXT,
    Verification.THROTTLED.value: TOO_MANY_TEXT,
    Verification.CARD_BLOCKED.value: "该读者证目前处于停用状态，暂时不能办理，请到馆服务台咨询。",
    Verification.CARD_EXPIRED.value: "该读者证已过有效期，请到馆服务台办理续期，之后即可继续使用。",
}
#: after a refusal that another card may get past (see actions/resume.py)
ANOTHER_CARD_HINT = "如需改用家人的读者证办理，直接发送那张证的证号即可。"


def ask_login(pending_request: str, tracker: Tracker) -> list[dict[str, Any]]:
    """Events that start verification and resume `pending_request` afterwards; a card
    number in the reader's message ("我的预约，证号JL00000002") is taken at once."""
    card = card_in(tracker.latest_message.get("text", ""))
    return [
        SlotSet("pending_request", pending_request),
        SlotSet("verification", None),
        SlotSet("card_number", card),
        FollowupAction("login_form"),
    ]


def login_first(dispatcher: CollectingDispatcher, tracker: Tracker, request: str,
                pending_request: str) -> list[dict[str, Any]]:
    """Tells the reader that `request` ("续借", "查看预约" ...) needs a verified card, and
    returns the events of ask_login(pending_request)."""
    dispatcher.utter_message(text=f"{request}需要先验证您的读者证。")
    return ask_login(pending_request, tracker)


def login_reset() -> list[dict[str, Any]]:
    return [SlotSet("pending_request", None), *(SlotSet(slot, None) for slot in LOGIN_SLOTS)]


def request_forgotten() -> list[dict[str, Any]]:
    """The reader gave up verifying: what they asked for is forgotten too."""
    return [*login_reset(), *(SlotSet(slot, None) for slot in PENDING_REQUEST_SLOTS)]


#: the reader says the card number given was wrong ("卡号抄错了，重来", "证号不对")
CARD_WRONG = re.compile(r"(卡号|证号)[^，,。？?！!没不]{0,3}(错了|[写输抄打填弄记]错|不对)|"
                        r"重新输(入)?(卡号|证号)|换[一]?张(卡|证)")


def card_corrected(dispatcher: CollectingDispatcher, tracker: Tracker
                   ) -> list[dict[str, Any]] | None:
    """At the password step, a message saying the card number was wrong, without another
    one ("哎呀证号写错了，重新来"): the card is asked for again, and the request waiting
    for verification is kept. None for any other message."""
    text = tracker.latest_message.get("text", "")
    if ((tracker.active_loop or {}).get("name") != "login_form"
            or tracker.get_slot("requested_slot") != "verification"
            or not CARD_WRONG.search(text) or card_in(text)):
        return None
    dispatcher.utter_message(text="好的，重新验证。")
    return [SlotSet("card_number", None), SlotSet("verification", None),
            FollowupAction("login_form")]


class ValidateLoginForm(FormValidationAction):
    def name(self) -> str:
        return "validate_login_form"

    async def extract_card_number(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """At the password step, another card number in a message ("卡号输错了，是
        JL00000002") replaces the card: the password is then asked for that one."""
        card = card_in(tracker.latest_message.get("text", ""))
        if (tracker.get_slot("requested_slot") == "verification" and card
                and card != tracker.get_slot("card_number")):
            return {"card_number": card}
        return {}

    def validate_card_number(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:  # cleared when verification starts: nothing typed yet
            return {"card_number": None}
        card = card_in(str(value))
        text = tracker.latest_message.get("text", "")
        if (not card and ASKS.search(text) and not TYPED_AS_A_CARD.search(text)
                and answer_if_certain(dispatcher, tracker, text, lenient=True)):
            # a question the NLU took for no question ("自习室插座可以充电吗" read as booking a
            # space): answered, then the card is asked for again
            return {"card_number": None}
        if not card and continues_message(tracker) and not TYPED_AS_A_CARD.search(text):
            # another question of the message that asked for something personal, typed
            # before the card was asked for: answered if the FAQ is sure, never a card
            # number in the wrong format
            answer_if_certain(dispatcher, tracker, text, lenient=True)
            return {"card_number": None}
        if not card:
            dispatcher.utter_message(
                text="读者证号的格式不对，请输入类似 JL00000001 的证号；输入“取消”可退出。"
            )
            return {"card_number": None}
        return {"card_number": card}

    def validate_verification(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        if value is None:
            return {"verification": None}
        if value == Verification.VERIFIED.value and verified_reader(tracker):
            return {"verification": value}
        if value in FINAL:
            reason = REASONS[value]
            waiting = {"request": tracker.get_slot("pending_request"),
                       "slots": {slot: tracker.get_slot(slot) for slot in WAITING_SLOTS
                                 if tracker.get_slot(slot) is not None}} \
                if reason in ANOTHER_CARD_MAY_DO else {}
            hint = ANOTHER_CARD_HINT if waiting.get("request") else ""
            dispatcher.utter_message(text=FINAL[value] + hint,
                                     **outcome("login_failed", reason=reason, **waiting))
            return {"verification": value}
        dispatcher.utter_message(text=RETRY_TEXT, **outcome("login_failed", reason="failed"))
        return {"verification": None}


class ActionAskVerification(Action):
    """Asks for the password and tells the channel to intercept the next message."""

    def name(self) -> str:
        return "action_ask_verification"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        try:
            services().circulation.expect_password(
                channel_of(tracker), tracker.sender_id, tracker.get_slot("card_number")
            )
        except ServiceUnavailableError:
            dispatcher.utter_message(text=UNAVAILABLE_TEXT)
            return [ActiveLoop(None), SlotSet("requested_slot", None), *request_forgotten()]
        dispatcher.utter_message(
            text=f"请输入读者证 {tracker.get_slot('card_number')} 的密码。密码只用于这次验证，"
                 "不会出现在对话记录里；证号输错了请输入“取消”后重新开始。",
            **outcome("login_password"),
        )
        return []


class ActionCancelLogin(Action):
    def name(self) -> str:
        return "action_cancel_login"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="好的，已取消。还有其他可以帮您的吗？",
                                 **outcome("cancelled"))
        return [ActiveLoop(None), SlotSet("requested_slot", None), *request_forgotten()]
