"""What the assistant answered the reader's previous message, read from the outcomes
its replies carried (bot/outcome.py, kept by Rasa as each reply's metadata): follow-ups
such as "后天呢", "那分馆呢", "就要第一本" or "要押金吗" are answered in that context."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from itertools import islice
from typing import Any

from rasa_sdk import Tracker

from actions.reader_text import entity_values
from bot.branches import branch_aliases
from bot.channels.questions import CONTINUES_MESSAGE
from bot.question_words import ASKS, clauses

#: a follow-up that only changes one detail of the previous question ("周日呢", "礼拜天
#: 也一样吗")
FOLLOW_UP = re.compile(r"^(那|那么|还有|再问下?)?.{0,8}(呢|的呢|怎么样|咋样|怎样|如何|"
                       r"也一样|也是?这样|也是?这个(点|时间))[吗吧嘛]?"
                       # the day's weekday said after it ("那3号呢，周五"), or the day
                       # kept ("那江宁馆呢，也是那天")
                       r"([，,\s]*(是?(周|星期|礼拜)[一二三四五六日天]|也?是?[那这同]一?天))?"
                       r"[？?。.!！]*$")
#: what readers say to say yes (to a confirmation, to "还有其他问题吗")
AFFIRM_WORDS = frozenset({"确认", "确定", "好的", "好", "好啊", "好呀", "可以", "是的", "是",
                          "对", "对的", "嗯", "嗯嗯", "行", "没问题", "预约吧", "有", "要",
                          "ok", "OK", "好滴", "当然", "需要", "对对对", "没错", "要的", "👌",
                          "👍"})
#: ... said to a hold's confirmation ("可以，约上", "是这本 麻烦了"), and the thanks that may
#: follow a yes
YES_TO_A_HOLD = re.compile(r"(那就?|就|帮我)?(约|预约|提交|确认)上?(吧|一下|预约|这本)?|是这本|"
                           r"就这本|就它")
THANKS_AFTER_A_YES = frozenset({"麻烦了", "麻烦你了", "麻烦您了", "谢谢", "多谢", "辛苦了"})
#: what was said on the side understood, before the yes ("知道了，那约吧")
UNDERSTOOD = frozenset({"明白了", "明白", "知道了", "了解了", "了解", "懂了", "清楚了", "晓得了",
                        "晓得"})


#: where a hold is picked up, said after the place ("河西分馆取", "总馆拿")
PICKUP_WORDS = re.compile(r"(分馆|馆)?(取|拿|领)?书?$")
#: ... and kept as before ("还是总馆", "就在河西")
PICKUP_KEPT = re.compile(r"^(还是|就在|就|在|到)")


def affirms(text: str, offered: Sequence[str] = ()) -> bool:
    """A yes, alone or followed by thanks or the hold's own words ("没问题，提交预约"), and
    nothing else; the hold's own words may come after an acknowledgement ("明白，那约上"),
    a plain yes may not ("知道了，好" says it heard). With the pickup branches `offered`
    (the one proposed first), a part naming the first and no other after the yes says
    the same yes ("对 河西 没错"; not "对 金陵图书馆" when 金陵图书馆河西分馆 is proposed
    and 金陵图书馆 offered too)."""
    parts = [part for part in re.split(r"[\s，,。.!！~]+", text) if part]
    if len(parts) > 1 and parts[0] in UNDERSTOOD and YES_TO_A_HOLD.fullmatch(parts[1]):
        parts = parts[1:]

    def yes(part: str) -> bool:
        return part in AFFIRM_WORDS or YES_TO_A_HOLD.fullmatch(part) is not None

    def names_pickup(part: str) -> bool:
        place = PICKUP_WORDS.sub("", PICKUP_KEPT.sub("", part))
        # a branch's own alias ("总馆" of 金陵图书馆), else a part of the name proposed
        aliased = {name for alias, name in branch_aliases() if alias in (place, place + "馆")}
        if offered and aliased:
            return aliased == {offered[0]}
        return bool(offered) and len(place) >= 2 and place in offered[0] \
            and not any(place in other for other in offered[1:])

    return bool(parts) and yes(parts[0]) and all(
        yes(part) or part in THANKS_AFTER_A_YES or names_pickup(part) for part in parts)


#: replies to a choice ("就要第一本", "在河西分馆取", "报名第一个") are short
SHORT_REPLY = 12
ORDINALS = {"一": 0, "1": 0, "二": 1, "2": 1, "两": 1, "三": 2, "3": 2, "四": 3, "4": 3,
            "五": 4, "5": 4}
ORDINAL = re.compile(
    r"第\s*([一二两三四五12345])(?![\d一二三四五六七八九十])\s*(?:的那?|那)?\s*(本|个|条|种|场|项|档)")


def earlier_answers(tracker: Tracker) -> Iterator[list[dict[str, Any]]]:
    """The outcomes of the replies to each of the reader's earlier messages, the latest
    first, each in order: to each of its questions, when the channel cut a message into
    several turns."""
    found: list[dict[str, Any]] = []
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user" and (
                users == 0 or not (event.get("metadata") or {}).get(CONTINUES_MESSAGE)):
            users += 1
            if users > 1:
                yield found
                found = []
        elif users >= 1 and event.get("event") == "bot":
            outcome = (event.get("metadata") or {}).get("outcome")
            if outcome:
                found.insert(0, outcome)
    if users:
        yield found


def previous_outcomes(tracker: Tracker) -> list[dict[str, Any]]:
    """The outcomes of the replies to the reader's previous message."""
    return next(earlier_answers(tracker), [])


#: answers to a question asked on the side ("里面能吃东西吗" while choosing a time slot)
SIDE_ANSWERS = frozenset({"faq", "faq_menu", "hours", "location"})
#: how many side questions a choice still survives
SIDE_QUESTIONS = 2


def still_offered(tracker: Tracker, kind: str) -> dict[str, Any] | None:
    """The last outcome of this kind in the previous answer, or in one before it when
    the reader has only asked a question or two on the side since: "就第三档吧" after
    the slots, then a question about the room, is a choice among those slots."""
    offered = all_still_offered(tracker, kind)
    return offered[-1] if offered else None


def all_still_offered(tracker: Tracker, kind: str) -> list[dict[str, Any]]:
    """Every outcome of this kind in the answer still_offered finds it in (a message
    asking about two titles has two searches)."""
    for answer in islice(earlier_answers(tracker), SIDE_QUESTIONS + 1):
        if offered := [o for o in answer if o.get("kind") == kind]:
            return offered
        if not answer or any(o.get("kind") not in SIDE_ANSWERS for o in answer):
            return []
    return []


def previous_text(tracker: Tracker) -> str:
    """The reader's previous message ("" if none)."""
    users = user_events(tracker)
    text = (users[-2].get("text") or "") if len(users) >= 2 else ""
    return "" if text.startswith("/") else text  # a button's payload is no question


def user_events(tracker: Tracker) -> list[dict[str, Any]]:
    """The reader's messages so far, as tracker events."""
    return [e for e in tracker.events if e.get("event") == "user"]


def continues_message(tracker: Tracker) -> bool:
    """Whether the latest message is a question the channel cut from the reader's message
    of the turn before (its second or third question)."""
    users = user_events(tracker)
    return bool(users) and bool((users[-1].get("metadata") or {}).get(CONTINUES_MESSAGE))


def previous_entity_values(tracker: Tracker, name: str) -> list[str]:
    """The values of the entities of this name in the reader's previous message."""
    users = user_events(tracker)
    entities = (users[-2].get("parse_data") or {}).get("entities") or [] if len(users) >= 2 else []
    return [str(e.get("value")) for e in entities if e.get("entity") == name and e.get("value")]


def request_message(tracker: Tracker, intent: str) -> dict[str, Any]:
    """The reader's latest message the NLU read as `intent` ({} if none): the request
    itself, also after verification, when the latest message is its outcome."""
    return next((event for event in reversed(tracker.events)
                 if event.get("event") == "user"
                 and ((event.get("parse_data") or {}).get("intent") or {}).get("name") == intent),
                {})


def request_text(tracker: Tracker, intent: str) -> str:
    """The text of request_message ("" if none)."""
    return request_message(tracker, intent).get("text") or ""


def request_entity_values(tracker: Tracker, intent: str, entity: str) -> list[str]:
    """The values of one entity the NLU found in request_message."""
    return entity_values(request_message(tracker, intent).get("parse_data") or {}, entity)


def previous(tracker: Tracker, *kinds: str) -> dict[str, Any] | None:
    """The last outcome of one of these kinds in the previous answer, if any."""
    return next((o for o in reversed(previous_outcomes(tracker)) if o.get("kind") in kinds),
                None)


#: ... or one that says which detail changes ("换成周五行不行", "改到下午呢")
CHANGES_A_DETAIL = re.compile(
    r"^(那)?(换成|改成|换到|改到)(下?[周礼星]\S{1,2}|明天|后天|大后天|\d{1,2}[号日]|[上下]午|晚上|"
    r"早上|\S{1,4}馆)(行不行|行吗|可以吗|好吗|呢|吧)?[？?。.!！]*$")


#: how long a remark after a follow-up may be ("那某日呢，我那天调休"), in characters
REMARK_LENGTH = 12


FINAL_NE = re.compile(r"呢\W*$")
#: a condition said before a follow-up ("周五河西去不成的话，江宁馆呢")
CONDITION = re.compile(r"的话\W*$|^\W*(要是|如果|万一|假如)")
#: ... or a word on the answer just given ("关得真早呀，那江北呢", "哦 这么早")
REACTION = re.compile(r"[啊呀哦噢哇啦喔]\W*$|^\W*(哦|噢|喔|哇|原来|这样啊)")


def is_follow_up(text: str) -> bool:
    """A follow-up ("周日呢", "换成周五行不行"), also with a remark after it that asks
    nothing ("那建邺馆那天呢 离我家近点", "明天呢，想带孩子去") or a condition or a word on
    the answer before it ("河西去不成的话，江宁那家呢", "这么早啊 那明天呢")."""
    plain = text.strip()
    if FOLLOW_UP.match(plain) or CHANGES_A_DETAIL.match(plain):
        return True
    first, *remark = clauses(plain) or [""]
    if (bool(remark) and bool(FOLLOW_UP.match(first) or CHANGES_A_DETAIL.match(first))
            and not any(ASKS.search(words) for words in remark)
            and sum(map(len, remark)) <= REMARK_LENGTH):
        return True
    *conditions, last = clauses(plain) or [""]
    return (bool(conditions) and bool(FOLLOW_UP.match(last) or CHANGES_A_DETAIL.match(last))
            # the follow-up itself asks nothing but "and that?" ("如果证丢了，怎么补呢" asks)
            and not ASKS.search(FINAL_NE.sub("", last))
            and all((CONDITION.search(words) or REACTION.search(words)) and not ASKS.search(words)
                    for words in conditions)
            and sum(map(len, conditions)) <= REMARK_LENGTH)


#: the ends of a list ("最早的那个", "最前面那本", "最上面那条", "头一本", "头一档"; "最后一个",
#: "最晚的", "最底下那个")
FIRST_OF_LIST = re.compile(r"最(早|靠?前面?|先|上面?|顶上)(的|那|一)*[个本场条项档]?|"
                           r"(?<![里外上前后来回抬镜码开])头一?[个本场档](?![月天年周])")
LAST_OF_LIST = re.compile(r"最(靠?后面?|晚|末|下面?|底下)(的|那|一)*[个本场条项档]?")


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


#: pointing back at the branch the previous answer was about ("那边有什么活动", "卡拿过去
#:也能刷吧", "去那还书")
POINTS_BACK = re.compile(r"(?<!你们)(那边|那里|那儿)|那个馆|这个馆|该馆|那个分馆|[拿带送]过去|"
                         r"[在去]那(?=[借还办看])")


def branch_pointed_back(tracker: Tracker) -> str | None:
    """The branch (its code) of the previous answer (hours, a location, events) when the
    reader's message points back to it."""
    about = previous(tracker, "hours", "location", "events")
    if about and about.get("branch") and \
            POINTS_BACK.search(tracker.latest_message.get("text", "")):
        return str(about["branch"])
    return None


#: how many of the reader's messages before the latest a branch pointed back at
#: ("那边") may have been named in
POINTED_BACK_TURNS = 3


def branch_spoken_of(tracker: Tracker, library: set[str]) -> str | None:
    """The branch last named in the reader's few messages before the latest (see
    POINTED_BACK_TURNS): what "那边" points at, also after a question about something
    else. A message that names only the library itself (`library`: its names) is where
    the reader's mind went, unless it pointed back too ("金图借的书拿到那边还行吗"): then
    None, the library itself."""
    for event in reversed(user_events(tracker)[-1 - POINTED_BACK_TURNS:-1]):
        entities = (event.get("parse_data") or {}).get("entities") or []
        named = [str(e["value"]) for e in entities
                 if e.get("entity") == "branch" and e.get("value")]
        branches = [name for name in named if name not in library]
        if branches:
            return branches[0]
        if named and not POINTS_BACK.search(event.get("text") or ""):
            return None
    return None
