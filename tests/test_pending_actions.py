"""Unit tests of the actions, with Rasa SDK's dispatcher and a tracker built in memory."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.pending_services import PendingServiceAction
from actions.reader_text import quote

ALL_ACTIONS = PendingServiceAction.__subclasses__()


def tracker_with(text: str, entities: list[dict]) -> Tracker:
    return Tracker(
        sender_id="unit-test",
        slots={},
        latest_message={"text": text, "intent": {"name": "x"}, "entities": entities},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def run_action(action: PendingServiceAction, tracker: Tracker) -> str:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, {}))
    assert events == []
    return "\n".join(message["text"] for message in dispatcher.messages)


def test_every_intent_action_exists() -> None:
    names = {action().name() for action in ALL_ACTIONS}
    assert names == {
        "action_opening_hours", "action_location", "action_search_catalogue",
        "action_place_reservation", "action_list_reservations",
        "action_cancel_reservation", "action_answer_policy", "action_handoff_to_staff",
    }


@pytest.mark.parametrize("action", ALL_ACTIONS, ids=lambda a: a.action_name)
def test_pending_actions_say_plainly_that_the_service_is_not_available(action: type) -> None:
    reply = run_action(action(), tracker_with("有三体吗", []))
    assert "暂时无法" in reply
    assert "成功" not in reply and "已为您" not in reply


def test_understood_entities_are_repeated_without_markup() -> None:
    entities = [
        {"entity": "title", "value": "<script>三体</script>"},
        {"entity": "author", "value": "刘慈欣"},
        {"entity": "author", "value": "刘慈欣"},
    ]
    action = next(a for a in ALL_ACTIONS if a.action_name == "action_search_catalogue")
    reply = run_action(action(), tracker_with("x", entities))
    assert "《script三体/script》" in reply
    assert reply.count("刘慈欣") == 1
    assert "<" not in reply


def test_quote_bounds_length() -> None:
    assert len(quote("书" * 500)) == 41
    assert quote("  <b>&活着</b> ") == "b活着/b"
