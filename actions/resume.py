"""After the login form: carry on with what the reader asked for before verifying."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.activities import ActionBookSpace, ActionCancelBooking, ActionSignUpEvent
from actions.holds import ActionCancelReservation, ActionListReservations, ActionPlaceReservation
from actions.library import LibraryAction
from actions.loans import ActionAccountStatus, ActionListLoans, ActionRenewLoan
from actions.login import login_reset, request_forgotten
from actions.notices import OFF, ON, ActionNoticeSettings
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
