""""不要了", "算了", the "不预约了" button: the reader declines what the previous answer
offered. Inside verification the form's own rule leaves it (actions/login.py); after
"还有其他问题吗" the reader is saying goodbye (nlu_data/rules.yml). When nothing was
offered, a message that asks something or refuses nothing ("藏书量多少", "退证流程"
read like a no to the NLU) gets the FAQ's answer if the FAQ is sure."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import held_title, show_results
from actions.context import affirms, chosen_position, previous, still_offered
from actions.faq_answers import QUESTION, answer_in_context, give
from actions.holds import clear_hold_slots
from actions.library import LibraryAction, services
from actions.reader_text import latest_entity_values
from actions.visiting import live_action_for
from bot.outcome import outcome
from bot.question_words import ASKS, clauses
from bot.services.faq_model import FaqAnswer

#: the words that refuse something ("不用了", "算了", "别约了", "取消吧", "no")
REFUSES = re.compile(r"不|没|别|算|免|取消|以后|再说|考虑|改天|下次|no", re.IGNORECASE)
#: holding back at "确认预约…吗" ("等等，先别约", "还要考虑考虑"): no hold yet
HOLDS_BACK = re.compile(r"等等|等一下|等下(?![午班周个])|先别|先不|别提交|不提交|"
                        r"(?<![不别])(再想想|想一想|考虑)|不要了|算了|不约了|不用了")
#: ... and what confirms it after all ("不用考虑了，约吧", "别的不要了，就这本")
CONFIRMS = re.compile(r"约吧|就这本|就它|确认|就约|就要")
#: another volume asked for ("等等，要第二册")
VOLUME = re.compile(r"第.{1,2}[部册卷集]")
#: other times asked for after the free slots ("都不合适 周末有没有")
OTHER_TIMES = re.compile(r"周|礼拜|星期|[号日]|[上下]午|晚上|明天|后天|月|时间|时段")
#: a reply to a confirmation says no more than this
CONFIRMATION_REPLY = 20
CJK = re.compile(r"[\u4e00-\u9fff]")
#: characters besides the refusal that make a subject of their own
SUBJECT = 3
#: ... and that tell a story of something that befell a book, whatever words of refusing are
#: in it ("…涂了半本 怎么洗都洗不掉"): no reader says no at such length
STORY = 20
BEFELL = re.compile(r"画|涂|撕|破|坏|脏|湿|泡|烫|咬|丢|赔|洗")


#: giving up what was offered in words the NLU may not place ("唉 那还是不订了 直接过去吧",
#: "人凑不齐 先放一放")
GIVES_UP = re.compile(r"不(约|订|预约|预定|要|用|借|需要|弄|搞)了|(?<![打计估盘])算了(?![一下解])|"
                      r"(先)?放一?放|再说吧")


#: the hold given up first, in a clause of its own, after no more than an interjection
#: ("唉 不订了 …", "那还是不约了，…"; not a case supposed: "如果不要了…", "到时候不要了…")
GIVEN_UP_FIRST = re.compile(f"^[唉哎呃嗯哦好吧那就还是我算了\\s，,]{{0,6}}?(?:{GIVES_UP.pattern})"
                            "[了吧啊]*[\\s，,。！!]+")


def question_after_giving_up(text: str) -> str | None:
    """What a reader asks after giving up what was offered ("不订了 书都能自己上架找
    吗"): the question; None if the message does not begin by giving it up or asks
    nothing after."""
    given_up = GIVEN_UP_FIRST.match(text)
    rest = text[given_up.end():].strip() if given_up else ""
    return rest if (QUESTION.search(rest) or ASKS.search(rest)) \
        and len(CJK.findall(rest)) >= SUBJECT else None


def answered_after_giving_up(tracker: Tracker) -> FaqAnswer | None:
    """The FAQ's sure answer to what a reader, asked to confirm a hold, asks after giving
    it up ("不订了 书都能自己上架找吗"): the hold is dropped and the question answered,
    retrieved once. None when the FAQ is not sure: anything else after the no (another
    book, the events, the loans) is left to the NLU's reading, the hold waiting as before.
    After the free slots a question keeps them offered (the reader may still book one: see
    `gives_up_the_offer`)."""
    question = question_after_giving_up(tracker.latest_message.get("text", ""))
    if previous(tracker, "hold_confirm") is None or question is None:
        return None
    answer = answer_in_context(tracker, question, lenient=True)
    return answer if answer.kind == "answer" else None


def gives_up_and_asks(tracker: Tracker) -> bool:
    """Whether the reader gives a hold up and asks what the FAQ surely answers (see
    answered_after_giving_up)."""
    return answered_after_giving_up(tracker) is not None


def gives_up_the_offer(tracker: Tracker) -> bool:
    """Whether the reader, offered free slots (also a side question or two before), gives
    them up, asking nothing and naming no other time (a hold to confirm has its own
    reading: `holds_back`)."""
    text = tracker.latest_message.get("text", "")
    return bool(GIVES_UP.search(text)) and not ASKS.search(text) \
        and not OTHER_TIMES.search(text) and still_offered(tracker, "space_slots") is not None


def asks_something(text: str) -> bool:
    """Whether a message the NLU took for a no says more than no: a question or a
    subject of its own ("藏书量多少", "退证流程"; not "不用了谢谢", "不是不是"), or a story."""
    rest = CJK.findall(REFUSES.sub("", text))
    return (not text.startswith("/") and len(rest) >= SUBJECT
            and bool(ASKS.search(text) or not REFUSES.search(text)
                     or (len(rest) >= STORY and BEFELL.search(text) is not None)))


class ActionDecline(LibraryAction):
    action_name = "action_decline"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text", "")
        # "大卫不可以" reads like a no to the NLU: a title the library holds is no answer
        if not text.startswith("/") and (found := held_title(text)):
            return show_results(dispatcher, *found, offset=0)
        if previous(tracker, "hold_confirm") or tracker.get_slot("bib_id"):
            answered = answered_after_giving_up(tracker)
            dispatcher.utter_message(text="好的，不预约了。" if answered
                                     else "好的，不预约了。还有其他可以帮您的吗？",
                                     **outcome("cancelled"))
            return clear_hold_slots() + (answer_after_giving_up(dispatcher, tracker, answered)
                                         if answered else [])
        if still_offered(tracker, "space_slots") and not asks_something(text) \
                and not OTHER_TIMES.search(text):  # the free slots offered: no booking
            dispatcher.utter_message(text="好的，不预约场地了。还有其他可以帮您的吗？",
                                     **outcome("cancelled"))
            return []
        # read alone ("我考虑一下" is no question about the last one) and to the end: a
        # question gets the FAQ's answer or its candidates, never "好的" ("看展要钱不，免不免费")
        if asks_something(text) and give(
                dispatcher, tracker, services().knowledge.answer(text, lenient=True)):
            return []
        dispatcher.utter_message(text="好的。有需要随时找我。", **outcome("declined"))
        return []


def answer_after_giving_up(dispatcher: CollectingDispatcher, tracker: Tracker,
                           answer: FaqAnswer) -> list[dict[str, Any]]:
    """The FAQ's answer to the question asked after a hold given up, or the live hours or
    address where its entry is one they give better ("不订了 周四总馆开伐": that
    Thursday's hours)."""
    if live := live_action_for(answer.key):
        return live.request(dispatcher, tracker)
    give(dispatcher, tracker, answer)
    return []


def holds_back(tracker: Tracker) -> bool:
    """A reply to the hold's confirmation that declines or defers it, whatever the NLU
    made of it (a goodbye, often) — unless it changes the title, the branch or the
    result chosen, or asks something."""
    text = tracker.latest_message.get("text", "")
    parts = clauses(text) or [""]
    first, last = parts[0], parts[-1]
    # short, or ending in it after the reasons ("…朋友那儿有，这次就不约了")
    return (previous(tracker, "hold_confirm") is not None and not text.startswith("/")
            and not affirms(first)  # "行，…打电话就算了": a yes
            and (len(text) <= CONFIRMATION_REPLY or HOLDS_BACK.search(last) is not None)
            and HOLDS_BACK.search(text) is not None and not CONFIRMS.search(text)
            and not QUESTION.search(text) and not VOLUME.search(text)
            and chosen_position(text) is None
            and not latest_entity_values(tracker, "branch")
            and not latest_entity_values(tracker, "title"))


LibraryAction.replies_to_previous += [(holds_back, ActionDecline),
                                      (gives_up_the_offer, ActionDecline),
                                      (gives_up_and_asks, ActionDecline)]
