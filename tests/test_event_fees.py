"""A fee asked of an event, by its kind or pointed at after the events list or during a
sign-up, is read as a question about the library's events; the FAQ's entries on doing
without a deposit and on the other library answer only who asks of them (units, no
model)."""

from __future__ import annotations

import pytest
import yaml

from actions.faq_answers import EVENTS_CONTEXT, fee_of_an_event
from bot.knowledge_cli import knowledge_files
from bot.services.sql.faq import unasked
from tests.test_action_units import conversation

LISTED = {"kind": "events", "event_ids": [1, 3], "titles": ["阅美四季·冬日诗会", "金图讲坛·某某"]}


@pytest.mark.parametrize(("text", "about_events"), [
    ("诗会收费吗", True),
    ("故事会那场收不收费", True),
    ("讲座要不要花钱", True),
    ("诗会有什么内容", False),  # no fee asked
    ("办证收费吗", False),  # no event
    ("培训区收费吗", False),  # a room
    ("报名时得先交押金？", False),  # a deposit
])
def test_a_fee_asked_of_an_event(text: str, about_events: bool) -> None:
    asked = fee_of_an_event(conversation((text, [])), text)
    assert (asked is not None and asked.startswith(EVENTS_CONTEXT)) is about_events


@pytest.mark.parametrize("text", ["这个数据库要钱吗", "办这个证要交钱吗", "借用培训教室收费吗",
                                  "活动中心的储物柜收费吗"])
def test_a_fee_of_something_else_pointed_at_stays_its_own(text: str) -> None:
    listed = conversation(("有啥活动", [LISTED]), (text, []), slots={"pending_request": "sign_up"})
    assert fee_of_an_event(listed, text) is None


def test_a_fee_asked_of_one_pointed_at_after_the_list_or_during_a_sign_up() -> None:
    text = "讲秦淮河的那个收费不"
    assert fee_of_an_event(conversation(("有啥活动", [LISTED]), (text, [])), text)
    assert fee_of_an_event(conversation(("有啥书", []), (text, [])), text) is None
    signing_up = conversation(("报名诗会", []), ("我先打听下这个要不要钱", []),
                              slots={"pending_request": "sign_up"})
    assert fee_of_an_event(signing_up, "我先打听下这个要不要钱")


@pytest.mark.parametrize(("question", "entry", "is_unasked"), [
    ("要押金吗", "有没有免押金的读者证？", True),
    ("那押金呢", "有没有免押金的读者证？", True),
    ("有没有免押金的证", "有没有免押金的读者证？", False),
    ("不交押金能办证吗", "有没有免押金的读者证？", False),
    ("信用办证行不行", "有没有免押金的读者证？", False),
    ("要押金吗", "办读者证要交押金或者收费吗？", False),
    # the other library's entry, for a question that does not name it
    ("区图书馆 金陵的证拿到那里借书行不行", "南京图书馆的读者证能在金陵图书馆用吗？", True),
    ("南图的证在金图能用吗", "南京图书馆的读者证能在金陵图书馆用吗？", False),
    ("省图几点关门", "南京图书馆在哪里？", False),
])
def test_an_entry_on_what_the_question_does_not_ask_of(question: str, entry: str,
                                                       is_unasked: bool) -> None:
    assert unasked(question, entry) is is_unasked


def test_no_paraphrase_is_unasked_of_its_own_entry() -> None:
    for path in knowledge_files():
        for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            for phrasing in entry.get("paraphrases") or []:
                assert not unasked(phrasing, entry["question"]), (entry["id"], phrasing)
