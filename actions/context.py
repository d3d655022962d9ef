"""What the assistant answered the reader's previous message, read from the outcomes
its replies carried (bot/outcome.py, kept by Rasa as each reply's metadata): follow-ups
such as "后天呢", "那分馆呢", "就要第一本" or "要押金吗" are answered in that context."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker

from bot.channels.questions import CONTINUES_MESSAGE

#: a follow-up that only changes one detail of the previous question ("周日呢", "礼拜天
#: 也一样吗")
FOLLOW_UP = re.compile(r"^(那|那么|还有|再问下?)?.{0,8}(呢|的呢|怎么样|如何|"
                       r"也一样|也是?这样|也是?这个(点|时间))[吗吧嘛]?[？?。.!！]*$")
#: what readers say to say yes (to a confirmation, to "还有其他问题吗")
AFFIRM_WORDS = frozenset({"确认", "确定", "好的", "好", "好啊", "好呀", "可以", "是的", "是",
                          "对", "对的", "嗯", "嗯嗯", "行", "没问题", "预约吧", "有", "要",
                          "ok", "OK", "好滴", "当然", "需要", "对对对", "没错", "要的", "👌",
                          "👍"})
#: replies to a choice ("就要第一本", "在河西分馆取", "报名第一个") are short
SHORT_REPLY = 12
ORDINALS = {"一": 0, "1": 0, "二": 1, "2": 1, "两": 1, "三": 2, "3": 2, "四": 3, "4": 3,
            "五": 4, "5": 4}
ORDINAL = re.compile(
    r"第\s*([一二两三四五12345])(?![\d一二三四五六七八九十])\s*(?:的那?|那)?\s*(本|个|条|种|场|项)")


def previous_outcomes(tracker: Tracker) -> list[dict[str, Any]]:
    """The outcomes of the replies to the reader's previous message, in order: to each of
    its questions, when the channel cut it into several turns."""
    found: list[dict[str, Any]] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (
                users == 0 or not (event.get("metadata") or {}).get(CONTINUES_MESSAGE)):
            users += 1
            if users == 2:
                break
        elif users == 1 and event.get("event") == "bot":
            outcome = (event.get("metadata") or {}).get("outcome")
            if outcome:
                found.insert(0, outcome)
    return found


def previous_text(tracker: Tracker) -> str:
    """The reader's previous message ("" if none)."""
    users = [e for e in tracker.events if e.get("event") == "user"]
    text = (users[-2].get("text") or "") if len(users) >= 2 else ""
    return "" if text.startswith("/") else text  # a button's payload is no question


def request_text(tracker: Tracker, intent: str) -> str:
    """The reader's latest message the NLU read as `intent` ("" if none): the request
    itself, also after verification, when the latest message is its outcome."""
    return next((event.get("text") or "" for event in reversed(tracker.events)
                 if event.get("event") == "user"
                 and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == intent),
                "")


def previous(tracker: Tracker, *kinds: str) -> dict[str, Any] | None:
    """The last outcome of one of these kinds in the previous answer, if any."""
    return next((o for o in reversed(previous_outcomes(tracker)) if o.get("kind") in kinds),
                None)


def is_follow_up(text: str) -> bool:
    return bool(FOLLOW_UP.match(text.strip()))


#: the ends of a list ("最早的那个", "最前面那本", "头一本"; "最后一个", "最晚的")
FIRST_OF_LIST = re.compile(r"最(早|靠?前面?|先)(的|那|一)*[个本场条项]?|"
                           r"(?<![里外上前后来回抬镜码开])头一?[个本场](?![月天年周])")
LAST_OF_LIST = re.compile(r"最(靠?后面?|晚|末)(的|那|一)*[个本场条项]?")


def chosen_position(text: str) -> int | None:
    """0 for "第一本" or "最早的那个", 1 for "第二个" …, -1 for "最后一个"."""
    if match := ORDINAL.search(text):
        return ORDINALS[match.group(1)]
    if FIRST_OF_LIST.search(text):
        return 0
    return -1 if LAST_OF_LIST.search(text) else None


def item_at(items: list[Any], position: int | None) -> Any:
    """The item at a chosen position (see chosen_position), or None if there is none."""
    return items[position] if position is not None and -len(items) <= position < len(items) \
        else None
