"""Policy questions answered from the published FAQ (no retraining: the knowledge base
is read live), with the digital resources of the kind the question names; unclear
questions get suggestions; unknown ones go to the unanswered
inbox and the reader is offered a person, never a wrong answer stated confidently."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.activities import SPACE_KEYWORDS, keyword_in, offer_free_slots
from actions.catalogue import (
    PAGE_SIZE,
    book_the_faq_lacks,
    books_described,
    held_title,
    looks_like_a_title,
    show_found,
    show_results,
    title_beside_an_answer,
    title_in_a_clause,
    typed_query,
)
from actions.context import previous
from actions.digital_resources import show_resources
from actions.faq_answers import (
    about_the_other_library,
    answer_in_context,
    answer_text,
    answered,
    mishap_answered,
    offer_menu,
    say,
)
from actions.handoff import hand_over
from actions.library import LibraryAction, as_id, channel_of, services
from actions.loans import renewal_by_name
from actions.login import card_corrected
from actions.visiting import about_the_branch_before
from bot.outcome import outcome
from bot.question_words import clauses
from bot.services.faq_retrieval import cjk_length
from bot.services.resource_model import ResourceCard
from bot.services.resource_query import read_request

#: asking whether a space can be booked
BOOKING = re.compile(r"预约|预定|预订|能约|可以约|约一?个|能订|可以订|订一?个")
#: an unclear message gets the FAQ's candidates only if it says this much (not "1")
MENU_WORDS = 4
#: whether the library has something ("有斗罗大陆吗"): a title, unless the FAQ is sure
HAS_IT = re.compile(r"^(请问)?(你们|馆里)?(有没有|有)(?P<thing>.{2,15}?)(吗|么|没有|没)?"
                    r"[？?！!。]*$|"
                    r"^(?P<named>.{2,15}?)\s*(这本书?)?(有吗|有没有|有么|有伐|有不|借得到吗|能借到吗)"
                    r"[？?！!。]*$")
NO_ANSWER = (
    "抱歉，这个问题我还回答不好，已经记录下来交给馆员完善。"
    "您可以换个说法，或者说“转人工”请馆员帮忙。"
)


class ActionAnswerPolicy(LibraryAction):
    action_name = "action_answer_policy"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        knowledge = services().knowledge
        chosen = as_id(next((str(e.get("value")) for e in tracker.latest_message.get(
            "entities", []) if e.get("entity") == "faq_id"), None))
        if chosen:
            answer = knowledge.published_answer(chosen)
            if answer:
                dispatcher.utter_message(text=answer_text(answer), **answered(answer))
            else:
                dispatcher.utter_message(text=NO_ANSWER, **outcome("unanswered"))
            return []
        question = tracker.latest_message.get("text", "")
        if (renewed := renewal_by_name(dispatcher, tracker)) is not None:  # after the loans
            return renewed
        if not re.search(r"\w", question):  # "？？？": nothing to answer or to record
            dispatcher.utter_message(response="utter_please_rephrase", **outcome("clarify"))
            return []
        if about_the_other_library(dispatcher, tracker):  # "南图周末开吗": that library's
            return []
        answer = answer_in_context(tracker, question, lenient=True)
        resources = resources_named(question)
        if answer.kind == "answer" and (live := about_the_branch_before(tracker, answer.key)):
            return live.request(dispatcher, tracker)
        if answer.kind == "answer" and (found := title_beside_an_answer(question,
                                                                      answer.question)):
            return show_found(dispatcher, question, *found)
        if answer.kind == "answer":
            say(dispatcher, answer)
            if resources:
                show_resources(dispatcher, *resources)
        elif resources:  # "在家能看电子书吗": the directory knows what the FAQ does not
            show_resources(dispatcher, *resources)
        elif found := held_title(question) or title_in_a_clause(question):
            # "有夏洛的网吗", "…，想先看看某书": a title, not a rule
            return show_found(dispatcher, question, *found)
        elif BOOKING.search(question) and keyword_in(tracker, SPACE_KEYWORDS):
            # "河西分馆的自习室可以预约吗": yes, and these are its free times
            offer_free_slots(dispatcher, tracker)
        elif (lacked := book_the_faq_lacks(dispatcher, question)) is not None:
            # "孩子要看某书 有没有", "某书有没有 娃说班上都在看": a book, which the FAQ knows
            # nothing of or only shares words with
            return lacked
        elif answer.kind == "suggest":
            offer_menu(dispatcher, tracker, answer)
        else:
            knowledge.record_unanswered(question, channel_of(tracker), "no_faq_match")
            dispatcher.utter_message(text=NO_ANSWER, **outcome("unanswered"))
        return []


def resources_named(text: str) -> tuple[list[ResourceCard], str | None] | None:
    """The directory's resources of the kind a question names (电子书, 有声书, 数据库 …)
    and where the reader wants to use them, if there are any."""
    request = read_request(text)
    if not request.kinds:
        return None
    cards = services().resources.find(text)
    return (cards, request.where) if cards else None


def previous_turn_was_unclear(tracker: Tracker) -> bool:
    """Whether the reader's message before the latest one was also not understood (the
    NLU was unsure, or the reader was asked to rephrase)."""
    user_events = [e for e in tracker.events if e.get("event") == "user"]
    if len(user_events) < 2:
        return False
    intent = ((user_events[-2].get("parse_data") or {}).get("intent") or {}).get("name")
    return intent == "nlu_fallback" or previous(tracker, "clarify") is not None


class ActionRephrase(LibraryAction):
    """NLU was unsure what the reader meant. If the FAQ knows the answer for certain,
    give it; after a second unclear message in a row, hand the reader to a librarian;
    otherwise ask to rephrase. The question is kept for the unanswered inbox."""

    action_name = "action_rephrase"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        # As the dialogue policies' fallback it would otherwise be predicted again after
        # itself (also when another action takes a reply to its choice): up to ten
        # replies to one message.
        events = await super().run(dispatcher, tracker, domain)
        if any(event.get("event") == "followup" for event in events):
            return events  # e.g. verification, started by the action that took a choice
        return [*events, FollowupAction("action_listen")]

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text", "").strip()
        if not text or text.startswith("/"):
            dispatcher.utter_message(response="utter_please_rephrase", **outcome("clarify"))
            return []
        if (renewed := renewal_by_name(dispatcher, tracker)) is not None:
            return renewed
        if (restarted := card_corrected(dispatcher, tracker)) is not None:
            return restarted  # at the password step: "卡号错了"
        if mishap_answered(dispatcher, tracker):
            return []
        if found := held_title(text) or title_in_a_clause(text):
            return show_found(dispatcher, text, *found)
        if (lacked := book_the_faq_lacks(dispatcher, text)) is not None:
            return lacked  # "想借某书": a book the library may lack, whatever else it says
        answer = answer_in_context(tracker, text, lenient=True)
        if answer.kind == "answer" and (live := about_the_branch_before(tracker, answer.key)):
            return live.request(dispatcher, tracker)  # "那它哪天不开" after its hours
        if answer.kind == "answer":
            say(dispatcher, answer)
            return []
        if found := held_title(text, near_too=True):  # "百年孤读": a title, misremembered
            return show_results(dispatcher, *found, offset=0)
        if found := books_described(text):  # "某作家那本…的绘本": the books it describes
            return show_results(dispatcher, *found, offset=0)
        # "有X吗", also as the first clause ("某人的某书有吗，周末去借")
        asked_for = HAS_IT.match(text) or HAS_IT.match((clauses(text) or [text])[0])
        thing = (asked_for.group("thing") or asked_for.group("named")) if asked_for else text
        if looks_like_a_title(thing) and (answer.kind == "none" or asked_for):
            # "穷查理宝典" (nothing like it in the FAQ): a book the library may not have;
            # "有斗罗大陆吗" too, unless the FAQ has candidates and the catalogue nothing
            # ("有储物柜吗")
            # the words as typed: the NLU was unsure, and a title it tagged may be a
            # part of one (a held two-character title inside a longer one it lacks)
            query = thing if asked_for else typed_query(text)
            result = services().catalogue.search(query, limit=PAGE_SIZE)
            if answer.kind == "none" or (result.hits and not result.near):
                return show_results(dispatcher, query, result, offset=0)
        if answer.kind == "suggest" and cjk_length(text) >= MENU_WORDS:
            offer_menu(dispatcher, tracker, answer)  # unclear, but the FAQ has candidates
            return []
        services().knowledge.record_unanswered(text, channel_of(tracker), "nlu_fallback")
        if previous_turn_was_unclear(tracker):
            dispatcher.utter_message(text="抱歉，我还是没能理解您的问题，我请馆员来帮您。")
            hand_over(dispatcher, tracker, topic="fallback")
            return []
        dispatcher.utter_message(response="utter_please_rephrase", **outcome("clarify"))
        return []
