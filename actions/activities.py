"""Events (阅美四季 ...) and bookable spaces: list, sign up / book, cancel."""

from __future__ import annotations

import dataclasses
import re
from datetime import date, datetime
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import (
    SHORT_REPLY,
    branch_pointed_back,
    chosen_position,
    continues_message,
    is_follow_up,
    item_at,
    previous,
    previous_entity_values,
    request_text,
    still_offered,
)
from actions.dates import describe_day, parse_day, parse_hour
from actions.event_names import the_one_named
from actions.faq_answers import LIBRARY_NAMES, QUESTION, SENTENCE_END, FaqFirst
from actions.holds import ActionListReservations
from actions.library import LibraryAction, as_id, entity_or_slot, payload, services, verified_reader
from actions.login import ask_login
from actions.reader_text import latest_entity_values
from actions.visiting import HOURS_WORDS, PLACE_WORDS
from bot import clock
from bot.booking_words import (
    CAN_BOOK,
    CANCEL,
    EVENT_WORDS,
    SIGNS_UP,
    SPACE_WORDS,
    UPCOMING,
    keeps_a_place_at_an_event,
)
from bot.outcome import outcome
from bot.services.interface import BookingOutcome, BranchInfo, ReaderRef, SlotInfo
from bot.services.search_text import normalise

# Words that narrow the list down (a series, an audience, a kind of space).
EVENT_KEYWORDS = ("阅美四季", "讲坛", "绘本", "亲子", "讲座", "培训", "诗", "手工")
SPACE_KEYWORDS = ("直播间", "培训区", "研讨间", "自习室")
OUTCOME_TEXT = {
    BookingOutcome.BOOKED: "成功！可以说“我的预约”查看或取消。",
    BookingOutcome.FULL: "抱歉，名额已满。可以看看其他场次。",
    BookingOutcome.DUPLICATE: "您已经报名/预约过这一场了。",
    BookingOutcome.NOT_FOUND: "没有找到这一场，可能已经结束或被取消。",
    BookingOutcome.CARD_NOT_USABLE: "您的读者证目前不能使用这项服务，请到馆服务台咨询。",
}


def booking_text(done: str, result: BookingOutcome) -> str:
    """'报名成功！…' / '预约成功！…', or why it did not work."""
    text = OUTCOME_TEXT[result]
    return done + text if result is BookingOutcome.BOOKED else text


def booked(kind: str, result: BookingOutcome, **fields: Any) -> dict[str, Any]:
    """The outcome: kind when booked, "booking_refused" (with the reason) when not."""
    if result is BookingOutcome.BOOKED:
        return outcome(kind, **fields)
    return outcome("booking_refused", reason=result.value)


def keyword_in(tracker: Tracker, keywords: tuple[str, ...]) -> str:
    text = tracker.latest_message.get("text", "")
    return next((word for word in keywords if word in text), "")


def event_chosen(tracker: Tracker) -> int | None:
    """The event of "报名第一个" among those the previous answer listed, or, when the
    reader asks to sign up, the only one listed or the one named by two characters of its
    own title ("诗会那个给我报上")."""
    text = tracker.latest_message.get("text", "")
    listed = still_offered(tracker, "events") or {}
    ids, titles = listed.get("event_ids") or [], listed.get("titles") or []
    if SIGNS_UP.search(text) and not QUESTION.search(text):
        if (named := the_one_named(text, dict(zip(ids, titles, strict=False)))) is not None:
            return named
        kinds = {word for word in EVENT_WORDS.findall(text) if word not in ("报名", "活动")}
        if len(ids) == 1 and all(kind in "".join(titles) for kind in kinds):
            return ids[0]  # ... unless the message names a kind of event it is not
    position = chosen_position(text) if len(text) <= SHORT_REPLY else None
    return item_at(ids, position)


#: "这周六上午": the hours a part of the day starts in
PARTS_OF_DAY = {"上午": range(6, 12), "中午": range(11, 14), "下午": range(12, 18),
                "晚上": range(18, 24)}


#: a slot turned down ("第一个我去不了", "第二场时段不合适")
TURNS_DOWN = re.compile(r"不行|不合适|不方便|赶不上|去不了|来不了|太早|太晚|换|别的|不要")
#: accepting the slot at a position ("第三个可以", "第一个能订吗"): no question of its own
ACCEPTS = re.compile(r"(可以|(?<![进举执运流发旅银])行|能订|能约)[吗么吧]?")


#: the words that only say a slot is taken, before and after it ("好 那就要…那一档",
#: "行 就订…的那个吧"), not counted in its length
TAKES_IT = re.compile(r"^(?:(?:好的?|行|嗯|可以)[\s，,]*)?(?:那就|就)?(?:要|订|约)?|"
                      r"的?(?:[那这]一?[档个场])?吧?$")


def slot_chosen(tracker: Tracker) -> int | None:
    """The free time slot of "后天下午两点" or "第二个" among those the previous answer
    offered: the only one on that day (if named) at that hour (if named)."""
    text = tracker.latest_message.get("text", "")
    offered = still_offered(tracker, "space_slots") or {}
    ids, starts = offered.get("slot_ids") or [], offered.get("starts") or []
    position = chosen_position(text)
    # a position may come with a word of why ("最早那个我赶得上，就订它")
    longest = 2 * SHORT_REPLY if position is not None else SHORT_REPLY
    asked = ACCEPTS.sub("", text) if position is not None else text
    if len(TAKES_IT.sub("", text)) > longest or not ids or QUESTION.search(asked) \
            or TURNS_DOWN.search(text):
        return None  # "明天开门吗", "第一个太早了，换晚点的"
    day, hour = parse_day(text, clock.today()), parse_hour(text)
    hours = (range(hour, hour + 1) if hour is not None
             else next((span for word, span in PARTS_OF_DAY.items() if word in text), None))
    matching = [slot for slot, start in zip(ids, map(datetime.fromisoformat, starts),
                                            strict=True)
                if (day is None or start.date() == day) and (hours is None or start.hour in hours)]
    if position is not None:  # "周六下午第二个": the position among that afternoon's slots
        return item_at(matching, position)
    if day is None and hours is None:
        return None
    return matching[0] if len(matching) == 1 else None


#: a day that bounds what is asked rather than names it ("某日之前的活动")
AROUND_THE_DAY = re.compile(r"之前|以前|之后|以后|[号日]前|[号日]后")
#: the kinds of events readers name, and the word of their titles that says so
EVENT_KINDS = {"讲座": "讲坛", "讲坛": "讲坛", "诗会": "诗会", "故事会": "故事会", "手工": "手工",
               "培训": "培训"}


#: a sign-up done, or not wanted ("已经报名了", "报过了", "不想报名了")
NOT_SIGNING_UP = re.compile(r"不想|不要|不用|已经|报过|报了|取消|没报上")


def event_named(tracker: Tracker) -> int | None:
    """The one upcoming event a request to sign up names by its own words: "报名冬日诗会",
    "手工坊帮孩子报一个", "城墙故事那期帮我报上", "某讲座还有空吗，替我留一个"; or by the
    day it falls on, the only event that day."""
    text = tracker.latest_message.get("text", "")
    if not SIGNS_UP.search(text) and not keeps_a_place_at_an_event(text):
        return None
    events = services().activities.upcoming_events(clock.now())
    named = the_one_named(text, {e.event_id: e.title for e in events})
    # the last sentence when it asks to sign up, not one asking before it ("…还剩位置吗？替
    # 我报一个"); not one saying it was done or is not wanted ("周六那场我不想报名了。")
    last = next((part for part in reversed(SENTENCE_END.split(text)) if part.strip()), text)
    request = last if SIGNS_UP.search(last) else text
    if (named is not None or QUESTION.search(request) or AROUND_THE_DAY.search(text)
            or NOT_SIGNING_UP.search(request)):
        return named
    # ... or by its day, when one event falls on it ("某月某日的讲座 替我报上"), of the
    # kind named if any (a 讲座 is a 讲坛's)
    day = parse_day(text, clock.today())
    kinds = [kind for word, kind in EVENT_KINDS.items() if word in text]
    on_the_day = [e.event_id for e in events if e.starts_at.date() == day
                  and all(kind in e.title for kind in kinds)]
    return on_the_day[0] if len(on_the_day) == 1 else None


#: a question about other branches or all of them ("其他馆近期办啥", "全市的讲座")
EVERY_BRANCH = re.compile(r"其他|其它|别的|各|所有|全市|全部|线上")


def named_branch(tracker: Tracker) -> BranchInfo | None:
    """The branch the reader's message names, if the library has it, or the one the
    previous answer (hours, a location) was about when the message points back to it, or
    the one the message's first question named ("少儿部周日营业不，近来有啥亲子活动":
    the second question, cut from it, names none of its own)."""
    names = latest_entity_values(tracker, "branch")
    if not names and (pointed := branch_pointed_back(tracker)):
        names = [pointed]
    if not names and continues_message(tracker) and not EVERY_BRANCH.search(
            tracker.latest_message.get("text", "")):
        # one branch of its own (not the library's name for all of it)
        earlier = set(previous_entity_values(tracker, "branch")) - LIBRARY_NAMES
        names = list(earlier) if len(earlier) == 1 else []
    return services().info.find_branch(names[0]) if names else None


#: a message about an event or a space by its name ("报名南京城墙的故事"), which a
#: catalogue title may share: not a search
SIGN_UP_OR_BOOKING = re.compile(r"报名|参加|预约|预定|约|订|取消|不去")


class ActionListEvents(FaqFirst):
    action_name = "action_list_events"
    menu_when_unasked = True
    answers_letters = True
    requests = re.compile(r"有什么|有哪些|有啥|什么活动|活动安排|周末|明天|后天|活动列表|看看活动|"
                          + UPCOMING.pattern)
    #: a series named with them is what the list is filtered by ("讲坛下一期讲什么")
    own_words = re.compile(f"{requests.pattern}|{EVENT_WORDS.pattern}")
    answers_live = frozenset({"events-001", "children-005"})

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if event_named(tracker) is not None:  # "我要报名冬日诗会" is a sign-up
            return ActionSignUpEvent().request(dispatcher, tracker)
        keyword = keyword_in(tracker, EVENT_KEYWORDS)
        events = services().activities.upcoming_events(clock.now(), keyword)
        if not events and keyword:
            events = services().activities.upcoming_events(clock.now())
        branch = named_branch(tracker)
        if branch is not None:  # "少儿馆有什么活动", "那边呢": that branch's
            at_branch = [e for e in events if e.branch == branch.name]
            if not at_branch and events:
                dispatcher.utter_message(text=f"{branch.name}近期没有活动，以下是其他馆的活动。")
                branch = None
            events = at_branch or events
        if not events:
            dispatcher.utter_message(text="近期暂时没有可报名的活动，请关注图书馆公众号的活动预告。",
                                     **outcome("events", titles=[]))
            return []
        dispatcher.utter_message(
            text="近期活动：\n" + "\n".join(
                f"· {e.title}（{e.branch}{e.place}，{e.starts_at:%m月%d日 %H:%M}，"
                f"{e.audience}，剩余名额 {e.places_left}）" for e in events),
            buttons=[{"title": f"报名：{e.title}",
                      "payload": payload("sign_up_event", event_id=str(e.event_id))}
                     for e in events if e.places_left > 0],
            **outcome("events", titles=[e.title for e in events],
                      event_ids=[e.event_id for e in events],
                      branch=branch.code if branch else None),
        )
        return []


class ActionSignUpEvent(FaqFirst):
    action_name = "action_sign_up_event"
    about_a_title = SIGN_UP_OR_BOOKING
    menu_when_unasked = True
    #: a request to sign up, or to see what there is to sign up for ("…现在能报哪些活动")
    requests = re.compile(r"帮我|给我|我要|我想|报名参加|报个名|替我|"
                          # whether it is still open, asked of one and nothing more ("那场还能报
                          # 名不"; not "…还可以报名吗 名额满了没", "现在能报几场")
                          r"(还|现在|目前)(能|可以)报(名|上)?(?=[吗不伐么没]?[\s？?。！!~]*$)|"
                          + ActionListEvents.requests.pattern)
    #: the FAQ's entries that send the reader to the live list of events
    answers_live = ActionListEvents.answers_live

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        event_id = (as_id(entity_or_slot(tracker, "event_id")) or event_chosen(tracker)
                    or event_named(tracker))
        if event_id is None:
            return ActionListEvents().request(dispatcher, tracker)
        # named when the card is asked for; its day after the sign-up
        event = next((e for e in services().activities.upcoming_events(clock.now())
                      if e.event_id == event_id), None)
        reader = verified_reader(tracker)
        if reader is None:
            what = f"《{event.title}》" if event else "活动"
            dispatcher.utter_message(text=f"报名{what}需要先验证您的读者证。")
            return [SlotSet("event_id", str(event_id)), *ask_login("sign_up", tracker)]
        result = services().activities.sign_up(reader, event_id)
        # the event's day, for a question after it ("当天闭馆是几点")
        dispatcher.utter_message(text=booking_text("报名", result), **booked(
            "event_signup", result, title=event.title if event else "",
            date=event.starts_at.date().isoformat() if event else None))
        return [SlotSet("event_id", None)]


#: how many free slots are offered at once
SLOTS_OFFERED = 6
#: how many free slots from the day the reader named on are looked through for that day
SLOTS_SEARCHED = 200
#: days named together or a weekend ("周末", "周六周日哪天"): no one day's slots
SEVERAL_DAYS = re.compile(r"周末|礼拜天和|哪天|哪几天|"
                          r"(?:周|星期|礼拜)[一二三四五六日天][、和跟或/]?(?:周|星期|礼拜)?"
                          r"[一二三四五六日天]")


@dataclasses.dataclass(frozen=True)
class SlotsOfADay:
    """The day a message names, its free slots, and whether any slot from it on is open
    for booking yet (a day beyond them has none because none is published)."""

    day: date
    slots: list[SlotInfo]
    published: bool


def slots_of_the_day(text: str, keyword: str) -> SlotsOfADay | None:
    """The one day the message names ("周五上午有空档不"; None if none, several, or gone by)
    and its free slots: all of them, for a part of the day or a position to be chosen among
    ("要下午那档", "第二档"), unless they are too many, when those of the part named come."""
    now = clock.now()
    day = parse_day(text, now.date())
    if day is None or day < now.date() or SEVERAL_DAYS.search(text):
        return None
    since = max(now, datetime.combine(day, datetime.min.time()))
    ahead = services().activities.open_slots(since, keyword, limit=SLOTS_SEARCHED)
    slots = [slot for slot in ahead if slot.starts_at.date() == day]
    part = next((span for word, span in PARTS_OF_DAY.items() if word in text), None)
    if len(slots) > SLOTS_OFFERED and part is not None:
        slots = [slot for slot in slots if slot.starts_at.hour in part] or slots
    return SlotsOfADay(day, slots[:SLOTS_OFFERED], published=bool(ahead))


def offer_free_slots(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The free time slots of the space the reader named (of any space if none), on the
    day named if it has any; else the next ones, saying why that day has none."""
    keyword = keyword_in(tracker, SPACE_KEYWORDS)
    of_the_day = slots_of_the_day(tracker.latest_message.get("text", ""), keyword)
    slots = of_the_day.slots if of_the_day else []
    lead = "可以预约的空闲时段（选一个即可）："
    if not slots:
        slots = services().activities.open_slots(clock.now(), keyword, limit=SLOTS_OFFERED)
        if of_the_day is not None and slots:
            day = describe_day(of_the_day.day, clock.today())
            lead = (f"{day}没有空闲时段" if of_the_day.published
                    else f"{day}的时段还没有开放预约") + "，最近可以预约的是（选一个即可）："
    if not slots:
        dispatcher.utter_message(text="近期没有可预约的空闲时段。", **outcome("space_slots"))
        return
    dispatcher.utter_message(
        text=lead,
        buttons=[{"title": f"{s.space}（{s.branch}）{s.starts_at:%m月%d日 %H:%M}"
                           f"–{s.ends_at:%H:%M}",
                  "payload": payload("book_space", slot_id=str(s.slot_id))}
                 for s in slots],
        **outcome("space_slots", slot_ids=[s.slot_id for s in slots],
                  starts=[s.starts_at.isoformat() for s in slots]),
    )


class ActionBookSpace(FaqFirst):
    action_name = "action_book_space"
    about_a_title = SIGN_UP_OR_BOOKING
    menu_when_unasked = True
    #: when it is free ("下周几有空档", "档期排得开吗", "哪天空着")
    own_questions = re.compile(r"有没有空|空位|空闲|还有位|时段|空档|档期|"
                               r"(哪天|什么时候|啥时候|几号|哪几天)有空|空着(?!的)|空出来")
    requests = re.compile(r"我想|我要|帮我|给我|订|约一?个|预约一下|"
                          f"{own_questions.pattern}|"
                          # a space borrowed for a meeting ("想借用培训区开个交流会")
                          f"(想|要)借用?(?=[^，,。？?]{{0,2}}({SPACE_WORDS.pattern}))|"
                          f"{CAN_BOOK.pattern}")
    #: the spaces themselves are the action's words ("自习室能订座吗" is no question about
    #: the reading room)
    own_words = re.compile(f"{requests.pattern}|{SPACE_WORDS.pattern}|座")
    #: the FAQ's entries on the bookable spaces and whether they can be booked: a message
    #: taken for booking one ("直播间周六下午能约吗") gets the free slots
    answers_live = frozenset({"facilities-008", "facilities-009", "reservations-011"})

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        slot_id = as_id(entity_or_slot(tracker, "slot_id")) or slot_chosen(tracker)
        if slot_id is None:
            offer_free_slots(dispatcher, tracker)
            return []
        reader = verified_reader(tracker)
        if reader is None:
            dispatcher.utter_message(text="预约场地需要先验证您的读者证。")
            return [SlotSet("slot_id", str(slot_id)), *ask_login("book_slot", tracker)]
        result = services().activities.book_slot(reader, slot_id)
        dispatcher.utter_message(text=booking_text("预约", result),
                                 **booked("space_booked", result))
        return [SlotSet("slot_id", None)]


class ActionCancelBooking(FaqFirst):
    action_name = "action_cancel_booking"
    about_a_title = SIGN_UP_OR_BOOKING
    personal = True
    requests = re.compile(r"^\W*取消|(?<!被)取消(掉|一下)?吧|(?<!被)取消掉|帮我|给我|我要|我想|"
                          r"我的|第.个|这个|不去了")

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        booking_id = as_id(entity_or_slot(tracker, "booking_id"))
        reader = verified_reader(tracker)
        if reader is None:
            dispatcher.utter_message(text="取消报名或场地预约需要先验证您的读者证。")
            keep = [SlotSet("booking_id", str(booking_id))] if booking_id else []
            return keep + ask_login("cancel_booking", tracker)
        if booking_id is None:
            booking_id = (booking_just_made(tracker, reader)
                          or the_one_booking_named(tracker, reader)
                          or the_one_booking_listed(tracker, reader))
        if booking_id is None:
            return ActionListReservations().act(dispatcher, tracker)
        if services().activities.cancel_booking(reader, booking_id):
            dispatcher.utter_message(text="已为您取消。", **outcome("booking_cancelled"))
        else:
            dispatcher.utter_message(
                text="没有找到这条报名或预约，它可能已经取消，或不属于您的读者证。"
            )
        return [SlotSet("booking_id", None)]


def the_one_booking_named(tracker: Tracker, reader: ReaderRef) -> int | None:
    """"取消我的场地预约" when the reader has one space booked: that booking; None when
    the request names no kind, asks something, or the reader has none or several of
    that kind (they choose from the list)."""
    asked = request_text(tracker, "cancel_booking")
    space, event = bool(SPACE_WORDS.search(asked)), bool(EVENT_WORDS.search(asked))
    if space == event or QUESTION.search(normalise(asked)):  # "研讨间预约取消了吗" asks
        return None
    named = [b.booking_id for b in services().activities.bookings(reader, since=clock.today())
             if b.is_space == space]
    return named[0] if len(named) == 1 else None


#: taking back what was just booked ("刚订的时段不对 帮我撤掉", "报错了，撤了吧")
TAKES_BACK = re.compile(f"{CANCEL.pattern}|撤了|退掉|不要了")
#: ... not a question ("取消了吗", "取消需要提前吗"), other things given up ("别的不要了"),
#: a book's hold, or an earlier booking ("之前订的那个取消")
NOT_TAKEN_BACK = re.compile(r"被取消|别的|其他|其它|《|[这那]本|书(?!会)|之前|以前|上次|上回|"
                            r"上周|另一个|早先")


def the_one_booking_listed(tracker: Tracker, reader: ReaderRef) -> int | None:
    """The one booking the previous answer listed, taken back ("那天来不了了 替我取消" after
    it); None when several were listed or the reader takes back something else."""
    listed = previous(tracker, "bookings_list")
    text = normalise(tracker.latest_message.get("text", ""))
    if not listed or listed.get("count") != 1 or not TAKES_BACK.search(text) \
            or NOT_TAKEN_BACK.search(text) or QUESTION.search(text):
        return None
    bookings = services().activities.bookings(reader, since=clock.today())
    return bookings[0].booking_id if len(bookings) == 1 else None


def just_booked(tracker: Tracker) -> str | None:
    """The kind of what the previous answer booked ("space_booked", "event_signup") when
    the reader takes it back right away; None otherwise."""
    made = previous(tracker, "space_booked", "event_signup")
    text = normalise(tracker.latest_message.get("text", ""))
    if made is None or not TAKES_BACK.search(text) or NOT_TAKEN_BACK.search(text) \
            or QUESTION.search(text):
        return None
    # the other kind named ("把周五那个研讨间取消" after a sign-up): not this one
    other = EVENT_WORDS if made["kind"] == "space_booked" else SPACE_WORDS
    return None if other.search(text) else str(made["kind"])


def booking_just_made(tracker: Tracker, reader: ReaderRef) -> int | None:
    """The booking the previous answer made, when the reader takes it back (just_booked):
    the reader's booking of that kind made last (the highest id)."""
    kind = just_booked(tracker)
    made = [b.booking_id for b in services().activities.bookings(reader, since=clock.today())
            if b.is_space == (kind == "space_booked")] if kind else []
    return max(made, default=None)


def follows_an_events_answer(tracker: Tracker) -> bool:
    """"那江宁馆的呢", "江北馆那边的呢" after the list of events: that branch's events (not
    its hours or its address)."""
    text = tracker.latest_message.get("text", "")
    return (is_follow_up(text) and previous(tracker, "events") is not None
            and bool(latest_entity_values(tracker, "branch"))
            and not HOURS_WORDS.search(text) and not PLACE_WORDS.search(text)
            and not SPACE_WORDS.search(text))


LibraryAction.replies_to_previous += [
    (lambda tracker: just_booked(tracker) is not None, ActionCancelBooking),
    (follows_an_events_answer, ActionListEvents),
    (lambda tracker: event_chosen(tracker) is not None, ActionSignUpEvent),
    (lambda tracker: slot_chosen(tracker) is not None, ActionBookSpace),
]
