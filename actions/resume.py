"""After the login form: carry on with what the reader asked for before verifying."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.activities import ActionBookSpace, ActionCancelBooking, ActionSignUpEvent
from actions.context import previous
from actions.holds import ActionCancelReservation, ActionListReservations, ActionPlaceReservation
from actions.library import LibraryAction
from actions.loans import ActionAccountStatus, ActionListLoans, ActionRenewLoan
from actions.login import (
    ANOTHER_CARD_MAY_DO,
    WAITING_SLOTS,
    ask_login,
    login_reset,
    request_forgotten,
)
from actions.notices import OFF, ON, ActionNoticeSettings
from bot.card_numbers import card_in
from bot.services.interface import Verification

PENDING_ACTIONS: dict[str, type[LibraryAction]] = {
    "place_hold": ActionPlaceReservation,
    "list_holds": ActionListReservations,
    "cancel_hold": ActionCancelReservation,
    "sign_up": ActionSignUpEvent,
    "book_slot": ActionBookSpace,
    "cancel_booking": ActionCancelBooking,
    "list_loans": ActionListLoans,
    "renew": ActionRenewLoan,
    "account": ActionAccountStatus,
    ON: ActionNoticeSettings,
    OFF: ActionNoticeSettings,
}


class ActionResumeRequest(LibraryAction):
    action_name = "action_resume_request"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        pending = PENDING_ACTIONS.get(tracker.get_slot("pending_request") or "")
        if tracker.get_slot("verification") != Verification.VERIFIED.value or pending is None:
            return request_forgotten()  # the form already told the reader why
        dispatcher.utter_message(text="验证成功。")
        return login_reset() + pending().act(dispatcher, tracker)


class ActionVerifyAnotherCard(LibraryAction):
    """Another card number right after a card was refused as blocked or expired ("改用我先生
    的证 JL00000002"): verification again, for the request that was waiting, which the
    refusal tells (the request itself was forgotten with the refused card)."""

    action_name = "action_verify_another_card"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        waiting = previous(tracker, "login_failed") or {}
        dispatcher.utter_message(text="好的，用新给的证号重新验证。")
        return [*(SlotSet(slot, value) for slot, value in (waiting.get("slots") or {}).items()
                  if slot in WAITING_SLOTS),
                *ask_login(str(waiting.get("request")), tracker)]


def another_card_after_refusal(tracker: Tracker) -> bool:
    refused = previous(tracker, "login_failed") or {}
    return (refused.get("reason") in ANOTHER_CARD_MAY_DO
            and refused.get("request") in PENDING_ACTIONS
            and card_in(tracker.latest_message.get("text", "")) is not None)


LibraryAction.replies_to_previous.insert(0, (another_card_after_refusal, ActionVerifyAnotherCard))
