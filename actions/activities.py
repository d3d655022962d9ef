"""Events (阅美四季 ...) and bookable spaces: list, sign up / book, cancel."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.holds import ActionListReservations
from actions.library import LibraryAction, as_id, entity_or_slot, payload, services, verified_reader
from actions.login import ask_login
from bot import clock
from bot.services.interface import BookingOutcome

# Words that narrow the list down (a series, an audience, a kind of space).
EVENT_KEYWORDS = ("阅美四季", "金图讲坛", "绘本", "亲子", "讲座", "培训", "诗", "手工")
SPACE_KEYWORDS = ("直播间", "培训区", "研讨间", "自习室")
OUTCOME_TEXT = {
    BookingOutcome.BOOKED: "成功！可以说“我的预约”查看或取消。",
    BookingOutcome.FULL: "抱歉，名额已满。可以看看其他场次。",
    BookingOutcome.DUPLICATE: "您已经报名/预约过这一场了。",
    BookingOutcome.NOT_FOUND: "没有找到这一场，可能已经结束或被取消。",
    BookingOutcome.CARD_NOT_USABLE: "您的读者证目前不能使用这项服务，请到馆服务台咨询。",
}


def booking_text(done: str, outcome: BookingOutcome) -> str:
    """'报名成功！…' / '预约成功！…', or why it did not work."""
    text = OUTCOME_TEXT[outcome]
    return done + text if outcome is BookingOutcome.BOOKED else text


def keyword_in(tracker: Tracker, keywords: tuple[str, ...]) -> str:
    text = tracker.latest_message.get("text", "")
    return next((word for word in keywords if word in text), "")


class ActionListEvents(LibraryAction):
    action_name = "action_list_events"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        keyword = keyword_in(tracker, EVENT_KEYWORDS)
        events = services().activities.upcoming_events(clock.now(), keyword)
        if not events and keyword:
            events = services().activities.upcoming_events(clock.now())
        if not events:
            dispatcher.utter_message(text="近期暂时没有可报名的活动，请关注图书馆公众号的活动预告。")
            return []
        dispatcher.utter_message(
            text="近期活动：\n" + "\n".join(
                f"· {e.title}（{e.branch}{e.place}，{e.starts_at:%m月%d日 %H:%M}，"
                f"{e.audience}，剩余名额 {e.places_left}）" for e in events),
            buttons=[{"title": f"报名：{e.title}",
                      "payload": payload("sign_up_event", event_id=str(e.event_id))}
                     for e in events if e.places_left > 0],
        )
        return []


class ActionSignUpEvent(LibraryAction):
    action_name = "action_sign_up_event"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        event_id = as_id(entity_or_slot(tracker, "event_id"))
        if event_id is None:
            return ActionListEvents().act(dispatcher, tracker)
        reader = verified_reader(tracker)
        if reader is None:
            dispatcher.utter_message(text="报名活动需要先验证您的读者证。")
            return [SlotSet("event_id", str(event_id)), *ask_login("sign_up")]
        outcome = services().activities.sign_up(reader, event_id)
        dispatcher.utter_message(text=booking_text("报名", outcome))
        return [SlotSet("event_id", None)]


class ActionBookSpace(LibraryAction):
    action_name = "action_book_space"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        slot_id = as_id(entity_or_slot(tracker, "slot_id"))
        if slot_id is None:
            keyword = keyword_in(tracker, SPACE_KEYWORDS)
            slots = services().activities.open_slots(clock.now(), keyword, limit=6)
            if not slots:
                dispatcher.utter_message(text="近期没有可预约的空闲时段。")
                return []
            dispatcher.utter_message(
                text="可以预约的空闲时段（选一个即可）：",
                buttons=[{"title": f"{s.space}（{s.branch}）{s.starts_at:%m月%d日 %H:%M}"
                                   f"–{s.ends_at:%H:%M}",
                          "payload": payload("book_space", slot_id=str(s.slot_id))}
                         for s in slots],
            )
            return []
        reader = verified_reader(tracker)
        if reader is None:
            dispatcher.utter_message(text="预约场地需要先验证您的读者证。")
            return [SlotSet("slot_id", str(slot_id)), *ask_login("book_slot")]
        outcome = services().activities.book_slot(reader, slot_id)
        dispatcher.utter_message(text=booking_text("预约", outcome))
        return [SlotSet("slot_id", None)]


class ActionCancelBooking(LibraryAction):
    action_name = "action_cancel_booking"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        booking_id = as_id(entity_or_slot(tracker, "booking_id"))
        reader = verified_reader(tracker)
        if reader is None:
            dispatcher.utter_message(text="取消报名或场地预约需要先验证您的读者证。")
            keep = [SlotSet("booking_id", str(booking_id))] if booking_id else []
            return keep + ask_login("cancel_booking")
        if booking_id is None:
            return ActionListReservations().act(dispatcher, tracker)
        if services().activities.cancel_booking(reader, booking_id):
            dispatcher.utter_message(text="已为您取消。")
        else:
            dispatcher.utter_message(
                text="没有找到这条报名或预约，它可能已经取消，或不属于您的读者证。"
            )
        return [SlotSet("booking_id", None)]
