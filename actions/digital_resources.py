"""The digital-resource directory in the chat: "有没有外文期刊数据库", "在家能看电子书吗",
"适合孩子的有声书" get the matching resources, with how to get in from where the reader
is (bot/services/resource_query.py reads the request).

Each resource is one text reply with its address (what WeChat shows) and a link button
(Telegram shows it as a link); the widget shows the cards of the "resources" custom
payload instead of those texts. Only checked http(s) addresses become links.

A question about the rules that also names resources gets the FAQ's answer (when the FAQ
is sure) before the resources. A request with nothing to look for ("有哪些数字资源") gets
the types the directory holds, as buttons. When no resource matches, the FAQ answers if
it is sure (a rule question such as "数字资源要收费吗"); otherwise the reader gets the
types and the question goes to the unanswered inbox.
"""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import show_results, title_asked_for
from actions.context import previous
from actions.faq_answers import answer_if_certain, answer_or_menu
from actions.library import LibraryAction, channel_of, payload, services
from actions.reader_text import latest_entity_values, quote
from bot.booking_words import SPACE_WORDS
from bot.outcome import outcome
from bot.services.resource_model import ACCESS, AUDIENCES, KINDS, ResourceCard
from bot.services.resource_query import read_request

PLACEHOLDER_NOTE = "（本条信息待图书馆确认，请以官网数字资源栏目为准，或说“转人工”。）"
PLACES = {"remote": "在家（馆外）", "app": "在手机上", "onsite": "在馆内"}
#: the ways in that work from each place
USABLE = {"remote": {"remote", "app"}, "app": {"app"}, "onsite": set(ACCESS)}
FIRST = {"remote": "，先列出在家（馆外）也能用的", "app": "，先列出手机上能用的"}
EXAMPLE = "“在家能看电子书吗”“适合孩子的有声书”"


def access_line(card: ResourceCard, where: str | None) -> str:
    """How to get in, for a reader who is (or wants to be) where."""
    ways = "、".join(label for code, label in ACCESS.items() if code in card.access)
    if not card.access:
        line = f"{PLACES[where]}能否使用：待图书馆确认" if where else "使用方式：待图书馆确认"
    elif where is None:
        line = f"使用方式：{ways}"
    elif USABLE[where] & set(card.access):
        line = f"{PLACES[where]}可以使用（{ways}）"
    else:
        line = f"{PLACES[where]}无法使用，只能：{ways}"
    return line + (f"；{card.access_note}" if card.access_note else "")


def audience_of(card: ResourceCard) -> str:
    return "、".join(AUDIENCES.get(code, code) for code in card.audience)


def resource_text(card: ResourceCard, where: str | None) -> str:
    """The resource as text (no blank lines: Rasa would split the reply there)."""
    lines = [f"【{KINDS.get(card.kind, card.kind)}】{card.name} · {audience_of(card)}",
             card.description, access_line(card, where)]
    if card.url:
        lines.append(f"网址：{card.url}")
    if card.placeholder:
        lines.append(PLACEHOLDER_NOTE)
    return "\n".join(lines)


def resource_card(card: ResourceCard, where: str | None) -> dict[str, Any]:
    """The resource as structured data, for channels that show cards (the widget);
    "text" is the text reply the card stands for."""
    return {
        "key": card.key, "name": card.name, "kind": KINDS.get(card.kind, card.kind),
        "audience": audience_of(card), "description": card.description,
        "access": access_line(card, where), "url": card.url,
        "note": PLACEHOLDER_NOTE if card.placeholder else "",
        "text": resource_text(card, where),
    }


def kind_buttons(counts: dict[str, int]) -> list[dict[str, str]]:
    return [{"title": label, "payload": payload("ask_digital_resource", subject=label)}
            for kind, label in KINDS.items() if counts.get(kind)]


def show_resources(dispatcher: CollectingDispatcher, cards: list[ResourceCard],
                   where: str | None) -> None:
    dispatcher.utter_message(
        text=f"找到 {len(cards)} 个相关的数字资源{FIRST.get(where or '', '')}：",
        **outcome("digital_resources", keys=[card.key for card in cards], where=where))
    dispatcher.utter_message(json_message={
        "type": "resources", "resources": [resource_card(card, where) for card in cards]})
    for card in cards:
        buttons = [{"title": f"打开“{card.name}”", "url": card.url}] if card.url else []
        dispatcher.utter_message(text=resource_text(card, where), buttons=buttons)


#: the resources asked to be listed, of no kind in particular ("都有哪些数据库 列出来")
LISTED = re.compile(r"有哪些|有什么|都有啥|有啥|列(一下|出来|个|给|下)|清单|目录|导航")
#: one book, not a kind of resource ("让路给小鸭子那本绘本", "那套书")
THIS_BOOK = re.compile(r"[这那][本套]")


#: what a question about the digital resources on closing days, asked after an answer
#: about them, is read with (its words for closing may be the reader's own: 歇, 不开)
CLOSED_DAYS_CONTEXT = "数字资源 闭馆"
#: the library closed ("闭馆那几天", "礼拜四歇") ...
WHILE_CLOSED = re.compile(r"闭馆|关门|不开(?!通|心)|歇|休馆|停馆")
#: ... and something still used then ("还能用吗", "也能看吧")
STILL_USED = re.compile(r"(还|也|照样|照常)能?(用|看|听|登)|能不能(用|看|听)|可以(用|看|听)")
#: ... not a place in the library ("闭馆以后自习室还能用吗")
A_PLACE_IN_IT = re.compile(f"{SPACE_WORDS.pattern}|阅览|书架|柜")


def resources_while_closed(tracker: Tracker) -> bool:
    """Whether the reader, just told of the digital resources, asks if they can still be
    used while the library is closed ("那闭馆的日子也能看吧"): the FAQ's entry on that,
    not the hours of a closing day."""
    text = tracker.latest_message.get("text", "")
    told = previous(tracker, "digital_resources") is not None or str(
        (previous(tracker, "faq") or {}).get("id", "")).startswith("digital-")
    return told and bool(WHILE_CLOSED.search(text) and STILL_USED.search(text)) \
        and not A_PLACE_IN_IT.search(text)


class ActionDigitalResources(LibraryAction):
    action_name = "action_digital_resources"

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text", "")
        if resources_while_closed(tracker) and answer_or_menu(
                dispatcher, tracker, f"{CLOSED_DAYS_CONTEXT} {text}", lenient=True):
            return []
        # A type button sends /ask_digital_resource{"subject": "电子书"}.
        query = " ".join(latest_entity_values(tracker, "subject")) if text.startswith("/") \
            else text
        directory = services().resources
        request = read_request(query)
        # a book the catalogue holds, named without a kind of digital resource or as
        # "this book" ("有让路给小鸭子那本绘本吗": 绘本 is a kind too): its copies
        if not text.startswith("/") and (not request.kinds or THIS_BOOK.search(text)) \
                and (found := title_asked_for(text)):
            return show_results(dispatcher, *found, offset=0)
        cards = [] if request.empty else directory.find(query)
        # The FAQ's answer first when it is sure ("在家能用数据库吗", "数字资源要收费吗");
        # then the resources, if the question names a kind of them or the FAQ had none.
        faq = not text.startswith("/") and answer_if_certain(dispatcher, tracker, text)
        if faq and not request.kinds and not (request.empty and LISTED.search(text)):
            return []  # (the resources asked to be listed are shown after the answer)
        if cards:
            show_resources(dispatcher, cards, request.where)
            return []
        if faq and not request.empty:
            return []
        counts = directory.kind_counts()
        buttons = [*kind_buttons(counts), {"title": "转人工", "payload": "/request_human"}]
        if request.empty:
            listed = "、".join(f"{label} {counts[kind]} 种" for kind, label in KINDS.items()
                               if counts.get(kind))
            reply = (f"本馆数字资源导航目前收录：{listed}。请点选想了解的类型，"
                     f"也可以直接问，例如{EXAMPLE}。" if counts
                     else "数字资源导航暂时没有可提供的内容，您可以说“转人工”咨询馆员。")
            dispatcher.utter_message(text=reply, buttons=buttons,
                                     **outcome("digital_resources", keys=[], overview=True))
            return []
        services().knowledge.record_unanswered(text, channel_of(tracker), "no_resource_match")
        dispatcher.utter_message(
            text=f"数字资源导航里没有找到与“{quote(''.join(request.words) or query)}”相符的资源。"
                 f"您可以换个说法（例如{EXAMPLE}），或点选类型查看。",
            buttons=buttons, **outcome("digital_resources", keys=[], no_match=True))
        return []


LibraryAction.replies_to_previous += [(resources_while_closed, ActionDigitalResources)]
