"""End to end through the REST channel, with the trained model: the rules that read what a
message asks beside DIET's intent and in the context of the previous answer
(docs/conversation-design.md). The unit tests check each rule alone; these check that the
model, the NLU signals and the actions together give the reader the answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import clock
from tests.conftest import Chat
from tests.test_library_conversation import PASSWORD, new_reader, outcomes

# Hours are those of the session's (pinned) date.
pytestmark = pytest.mark.dates


def kinds(replies: list[dict]) -> set[str]:
    return {outcome["kind"] for outcome in outcomes(replies)}


def test_pointing_back_at_the_branch_just_answered_asks_its_hours(chat: Chat) -> None:
    reader = new_reader()
    assert {"kind": "location", "branch": "NJ-GULOU"} in outcomes(chat(reader, "鼓楼区图书馆在哪"))
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    got = outcomes(chat(reader, "那边明天几点关门"))
    assert {"kind": "hours", "branch": "NJ-GULOU", "date": tomorrow} in got, got


def test_a_rule_answered_live_after_a_branch_is_that_branchs(chat: Chat) -> None:
    reader = new_reader()
    chat(reader, "江宁区图书馆怎么去")
    got = outcomes(chat(reader, "那它平时开放时间是怎样的"))
    assert any(o["kind"] == "hours" and o["branch"] == "NJ-JIANGNING" for o in got), got


def test_a_person_asked_for_beside_a_question_about_the_assistant_is_handed_over(
        chat: Chat) -> None:
    assert "handoff" in kinds(chat(new_reader(), "我想叫个管理员，你们这边是不是机器人"))
    assert "handoff" not in kinds(chat(new_reader(), "回消息那头是机器还是活人"))


def test_working_near_a_branch_is_no_question_about_its_hours(chat: Chat) -> None:
    assert "hours" not in kinds(chat(new_reader(), "我在江宁区图书馆附近上班，能在那还金图的书吗"))


def test_a_title_typed_whole_after_a_clause_of_context_is_searched(chat: Chat) -> None:
    for text in ("放寒假以后，想带孩子先看看狼王梦", "等考完试，想借来翻翻狼王梦"):
        got = outcomes(chat(new_reader(), text))
        assert any(o["kind"] == "search" and "狼王梦" in o["titles"][0] for o in got), got


def test_a_subject_in_latin_letters_asked_for_is_searched(chat: Chat) -> None:
    got = outcomes(chat(new_reader(), "工作要用MySQL，有什么能借的"))
    assert any(o["kind"] == "search" and "MySQL" in o["titles"][0] for o in got), got


def test_a_misremembered_title_asked_about_is_offered_as_near_matches(chat: Chat) -> None:
    got = outcomes(chat(new_reader(), "狼王孟 在架上不"))
    assert any(o["kind"] == "search" and o["titles"] and "狼王梦" in o["titles"][0]
               for o in got), got


def test_a_mishap_to_a_loan_named_after_when_it_was_borrowed_is_the_rule(chat: Chat) -> None:
    got = outcomes(chat(new_reader(), "前天借的白夜行封面被撕了，咋办"))
    assert {"kind": "faq", "id": "borrowing-009"} in got, got


def test_a_lost_volume_of_a_loan_is_the_rule(chat: Chat) -> None:
    got = outcomes(chat(new_reader(), "前阵子借的红楼梦下册落在公交上了，怎么办"))
    assert {"kind": "faq", "id": "borrowing-008"} in got, got


def test_loans_named_by_where_they_were_borrowed_are_the_readers(chat: Chat) -> None:
    got = kinds(chat(new_reader(), "我从江北那边借回来的几本分别几号到期"))
    assert "login_card" in got, got


def test_a_loan_falling_due_next_week_is_no_goodbye(chat: Chat) -> None:
    got = kinds(chat(new_reader(), "借的好几本下礼拜都要到期了，这边续借方便吗"))
    assert "goodbye" not in got, got


def test_a_card_number_with_a_question_about_the_account_starts_verification(
        chat: Chat) -> None:
    got = kinds(chat(new_reader(), "JL00000003，借书老提示受限，我这张卡是不是停用了，欠了钱没"))
    assert "login_password" in got, got
    got = kinds(chat(new_reader(), "JL00000001，密码记不得了咋办"))  # what to do: the rule
    assert "login_password" not in got and got & {"faq", "faq_menu"}, got


def test_a_hold_just_listed_is_cancelled_by_its_title(chat: Chat) -> None:
    reader = new_reader()
    replies = [chat(reader, text) for text in ("查查孩子排着的预约", "JL00000003", PASSWORD)]
    assert "holds_list" in kinds(replies[-1])
    assert "hold_cancelled" in kinds(chat(reader, "游园惊梦也撤了，不要了"))
