"""Greetings, "are you a bot?" and requests outside the library's work get their
canned answer — unless the message names a title the library holds, or is really a
question the FAQ is sure about ("老听人说金图，金图指的是哪个馆" reads like a question
about the bot to the NLU)."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import CJK_CHAR, PAGE_SIZE, held_title, looks_like_a_title, show_results
from actions.context import AFFIRM_WORDS
from actions.faq import ActionRephrase
from actions.faq_answers import (
    PREMISE,
    QUESTION,
    RULE_QUESTION,
    answer_if_certain,
    answer_or_menu,
)
from actions.library import LibraryAction, services
from bot.outcome import UTTERED, outcome
from bot.question_words import A_NOT_A, GUESSED

RESPONSES = {"greet": "utter_greet", "goodbye": "utter_goodbye",
             "bot_challenge": "utter_iamabot", "out_of_scope": "utter_out_of_scope",
             "affirm": "utter_ask_what_else"}
#: what a greeting or a goodbye is not, whatever the NLU made of it: digits alone ("1";
#: "88" and "886" say goodbye), or asking for something ("有斗罗大陆吗")
NOT_SMALL_TALK = re.compile(r"^(?!88$|886$)[\W\d_]*\d[\W\d_]*$|有.{2,}[吗么]")
#: what a reader borrows, holds or visits: a message about one is the library's business
LIBRARY_THINGS = re.compile(r"书|证|馆|金图|押金|逾期|预约|借|座位|阅美|讲坛|公众号|官网|"
                            r"电脑|上网|打印|复印|wifi", re.IGNORECASE)
#: shorter messages ("你好", "你是机器人吗") are what they seem
QUESTION_LENGTH = 8
#: what a question about the assistant names; a phrase this long without it, taken for
#: one, is a title ("世界尽头的咖啡馆" the library may lack)
ABOUT_THE_BOT = re.compile(r"机器|智能|真人|人工|程序(?!员)|ai|bot", re.IGNORECASE)
TITLE_LENGTH = 5


class ActionSmallTalk(LibraryAction):
    action_name = "action_small_talk"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text", "")
        # "置身事内", "鹿鼎记在吗": a title, not small talk; typed alone, one misspelt too
        if found := held_title(text, near_too=looks_like_a_title(text)):
            return show_results(dispatcher, *found, offset=0)
        intent = (tracker.latest_message.get("intent") or {}).get("name", "")
        if (intent == "bot_challenge" and looks_like_a_title(text)
                and len(CJK_CHAR.findall(text)) >= TITLE_LENGTH and not ABOUT_THE_BOT.search(text)):
            return show_results(dispatcher, text, services().catalogue.search(
                text, limit=PAGE_SIZE), offset=0)
        # a question the NLU found no intent for ("续借怎么弄"), what befell a book or a
        # card ("书让狗咬了"), or a question about the library, not the bot ("金图有小程序
        # 吗"), is the FAQ's if it is sure
        # ... but a long question about the assistant that names nothing of the library
        # ("请问此刻陪我聊的是ai吗") is what it seems
        about_the_bot = (intent == "bot_challenge" and ABOUT_THE_BOT.search(text)
                         and not LIBRARY_THINGS.search(text))
        asks = not about_the_bot and ((RULE_QUESTION.search(text) if len(text) >= QUESTION_LENGTH
                else intent == "out_of_scope" and QUESTION.search(text)) or (
                    # "里头让不让吃零食": asked as A不A, at any length
                    intent == "out_of_scope" and A_NOT_A.search(text)) or (
                    intent in ("out_of_scope", "bot_challenge") and LIBRARY_THINGS.search(text)))
        if asks and answer_if_certain(dispatcher, tracker, text):
            return []
        # "这类工具书让外借吗" taken for a question about the bot: a question about the
        # library, whose FAQ candidates beat saying what the assistant is
        if (intent == "bot_challenge" and len(text) >= QUESTION_LENGTH
                and LIBRARY_THINGS.search(text) and not ABOUT_THE_BOT.search(text)
                and QUESTION.search(text) and answer_or_menu(dispatcher, tracker, text)):
            return []
        if (intent in ("greet", "goodbye") and NOT_SMALL_TALK.search(text)) or (
                intent == "goodbye" and (QUESTION.search(text) or GUESSED.search(text))
                and LIBRARY_THINGS.search(text)):
            # ... nor a question or a guess about the library's business ("…下礼拜到期，能
            # 续借吗": 拜; "还书的机子撤了吧，好久没见")
            return ActionRephrase().act(dispatcher, tracker)
        if intent == "affirm" and text.strip(" 。！!，,.~") not in AFFIRM_WORDS:
            # "挂失" or "金图是不是南图" taken for a yes: the FAQ's, if it is sure (or
            # settles its menu, for a question or a premise about the library: "金图跟外地
            # 的馆没合作吧"); a title the library lacks ("海底两万里"): the search that says so
            asked = bool(len(text) >= QUESTION_LENGTH and LIBRARY_THINGS.search(text)
                         and (QUESTION.search(text) or PREMISE.search(text)))
            if answer_if_certain(dispatcher, tracker, text, lenient=asked):
                return []
            if looks_like_a_title(text):
                return show_results(dispatcher, text, services().catalogue.search(
                    text, limit=PAGE_SIZE), offset=0)
            dispatcher.utter_message(response="utter_please_rephrase", **outcome("clarify"))
            return []
        response = RESPONSES.get(intent, "utter_out_of_scope")
        dispatcher.utter_message(response=response, **outcome(UTTERED[response]))
        return []
