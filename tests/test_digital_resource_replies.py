"""action_digital_resources with Rasa SDK's dispatcher and an in-memory directory, and
how its replies look on each channel: cards with a link on the widget (custom payload),
an inline link button on Telegram, the address as text on WeChat."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.catalogue
import actions.digital_resources
import actions.faq_answers
from actions.digital_resources import PLACEHOLDER_NOTE, ActionDigitalResources
from actions.library import UNAVAILABLE_TEXT
from bot.channels import wechat_text
from bot.relay.telegram import inline_keyboard
from bot.services.faq_model import FaqAnswer
from bot.services.interface import SearchResult, ServiceUnavailableError, TitleHit
from bot.services.resource_model import ResourceCard
from bot.services.resource_query import rank, read_request
from bot.terminal_chat import choices

pytestmark = pytest.mark.timeout(60)

HOME = ResourceCard(
    resource_id=1, key="r-home", name="远程电子书", kind="ebook", description="在家可读。",
    subjects=("小说",), audience=("all",), access=("remote", "app"),
    access_note="用读者证号和密码登录", url="https://ebooks.example.cn/", placeholder=False)
ONSITE = ResourceCard(
    resource_id=2, key="r-onsite", name="馆内电子书", kind="ebook", description="馆内可读。",
    subjects=(), audience=("all",), access=("onsite",), access_note="", url="",
    placeholder=False)
UNSURE = ResourceCard(
    resource_id=3, key="r-audio", name="少儿有声书", kind="audio", description="待确认。",
    subjects=("有声书",), audience=("children",), access=(), access_note="", url="",
    placeholder=True)


class Directory:
    def __init__(self, cards: list[ResourceCard]) -> None:
        self.cards, self.queries = cards, []

    def find(self, query: str, audience: str | None = None,
             where: str | None = None) -> list[ResourceCard]:
        self.queries.append(query)
        request = read_request(query, audience, where)
        return [] if request.empty else rank(request, self.cards)

    def kind_counts(self) -> dict[str, int]:
        return {"ebook": 2, "audio": 1}


class Knowledge:
    def __init__(self, answer: FaqAnswer) -> None:
        self.faq, self.unanswered = answer, []

    def answer(self, question: str, lenient: bool = False) -> FaqAnswer:
        return self.faq

    def record_unanswered(self, text: str, channel: str, reason: str) -> None:
        self.unanswered.append((text, reason))


PICTURE_BOOK = TitleHit(bib_id=9, title="让路给小鸭子", author="罗伯特·麦克洛斯基", publisher="",
                        year=None, isbn=None, call_number="I561.85/9")


class Catalogue:
    """Holds one picture book."""

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        found = PICTURE_BOOK.title in query
        return SearchResult(hits=[PICTURE_BOOK] if found else [], total=int(found))


class Services:
    def __init__(self, cards: list[ResourceCard], faq: FaqAnswer | None = None) -> None:
        self.resources = Directory(cards)
        self.knowledge = Knowledge(faq or FaqAnswer(kind="none"))
        self.catalogue = Catalogue()


@pytest.fixture
def library(monkeypatch: pytest.MonkeyPatch) -> Services:
    services = Services([HOME, ONSITE, UNSURE])
    for module in (actions.digital_resources, actions.faq_answers, actions.catalogue):
        monkeypatch.setattr(module, "services", lambda: services)
    return services


@pytest.mark.parametrize("text", ["让路给小鸭子有吗", "有让路给小鸭子那本绘本吗"])
def test_a_book_the_catalogue_holds_is_its_copies(library: Services, text: str) -> None:
    """Named without a kind of digital resource, or as "that book" (绘本 is a kind
    too), a held title is searched in the catalogue."""
    messages, events = run_with_events(text)
    assert messages[0]["outcome"]["titles"] == ["让路给小鸭子"]
    assert "让路给小鸭子" in events[0]["value"]  # the search, for 更多 and 约这本


def test_a_digital_kind_of_a_held_title_is_the_directorys(library: Services) -> None:
    assert run("让路给小鸭子有电子书吗")[0]["outcome"]["kind"] == "digital_resources"


def run_with_events(text: str, entities: list[dict] | None = None
                    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The action's messages and the events it returns."""
    tracker = Tracker(
        sender_id="unit-test", slots={}, events=[], paused=False, followup_action=None,
        latest_message={"text": text, "intent": {"name": "ask_digital_resource"},
                        "entities": entities or []},
        active_loop={}, latest_action_name=None,
    )
    dispatcher = CollectingDispatcher()
    events = asyncio.run(ActionDigitalResources().run(dispatcher, tracker, {}))
    return dispatcher.messages, events


def run(text: str, entities: list[dict] | None = None) -> list[dict[str, Any]]:
    messages, events = run_with_events(text, entities)
    assert events == []
    return messages


def test_resources_from_home_come_first_with_how_to_get_in(library: Services) -> None:
    messages = run("在家能看电子书吗")
    intro, cards, home, onsite = messages
    assert intro["text"] == "找到 2 个相关的数字资源，先列出在家（馆外）也能用的："
    assert intro["outcome"] == {"kind": "digital_resources", "keys": ["r-home", "r-onsite"],
                                "where": "remote"}
    assert home["text"] == (
        "【电子书】远程电子书 · 所有读者\n在家可读。\n"
        "在家（馆外）可以使用（馆外凭读者证远程访问、手机 App）；用读者证号和密码登录\n"
        "网址：https://ebooks.example.cn/")
    assert home["buttons"] == [{"title": "打开“远程电子书”", "url": "https://ebooks.example.cn/"}]
    assert "在家（馆外）无法使用，只能：在馆内网络" in onsite["text"]
    assert onsite["buttons"] == [] and "网址" not in onsite["text"]
    # The widget's cards stand for exactly these texts.
    assert cards["custom"]["type"] == "resources"
    assert [card["text"] for card in cards["custom"]["resources"]] == [
        home["text"], onsite["text"]]
    assert cards["custom"]["resources"][1]["url"] == ""


def test_children_and_placeholders(library: Services) -> None:
    *_, audio = run("有没有给孩子听的有声书")
    assert audio["text"].startswith("【有声读物】少儿有声书 · 少年儿童")
    assert "使用方式：待图书馆确认" in audio["text"]
    assert audio["text"].endswith(PLACEHOLDER_NOTE)


def test_a_type_button_searches_its_type(library: Services) -> None:
    messages = run('/ask_digital_resource{"subject": "有声读物"}',
                   [{"entity": "subject", "value": "有声读物"}])
    assert library.resources.queries == ["有声读物"]
    assert messages[0]["outcome"]["keys"] == ["r-audio"]


def test_nothing_asked_for_lists_the_types(library: Services) -> None:
    for text in ("有哪些数字资源", "/ask_digital_resource"):
        (reply,) = run(text)
        assert reply["text"].startswith("本馆数字资源导航目前收录：电子书 2 种、有声读物 1 种。")
        assert reply["buttons"] == [
            {"title": "电子书", "payload": '/ask_digital_resource{"subject": "电子书"}'},
            {"title": "有声读物", "payload": '/ask_digital_resource{"subject": "有声读物"}'},
            {"title": "转人工", "payload": "/request_human"}]
        assert reply["outcome"] == {"kind": "digital_resources", "keys": [], "overview": True}
    assert library.knowledge.unanswered == []


def test_no_match_is_said_and_kept_for_librarians(library: Services) -> None:
    (reply,) = run("有没有<b>量子物理</b>的资源")
    assert reply["text"].startswith("数字资源导航里没有找到与“量子物理”相符的资源。")
    assert reply["outcome"] == {"kind": "digital_resources", "keys": [], "no_match": True}
    assert reply["buttons"][-1] == {"title": "转人工", "payload": "/request_human"}
    assert library.knowledge.unanswered == [("有没有<b>量子物理</b>的资源",
                                             "no_resource_match")]


def test_a_rule_question_nothing_matches_gets_the_faq(library: Services) -> None:
    library.knowledge.faq = FaqAnswer(kind="answer", key="digital-004", answer="需要读者证。")
    (reply,) = run("用数字资源要办证吗")
    assert reply["text"] == "需要读者证。"
    assert reply["outcome"] == {"kind": "faq", "id": "digital-004"}


def test_library_down_gets_a_clear_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    class Down(Services):
        def __init__(self) -> None:
            super().__init__([])
            self.resources.find = self.fail  # type: ignore[method-assign]

        @staticmethod
        def fail(*_args: object, **_kwargs: object) -> list[ResourceCard]:
            raise ServiceUnavailableError("database is gone")

    monkeypatch.setattr(actions.digital_resources, "services", lambda: Down())
    (reply,) = run("在家能看电子书吗")
    assert reply["text"] == UNAVAILABLE_TEXT


def test_telegram_shows_a_link_button(library: Services) -> None:
    *_, home, onsite = run("在家能看电子书吗")
    keyboard = inline_keyboard(home["buttons"], lambda button: pytest.fail("no callback"))
    (button,), = keyboard.inline_keyboard
    assert (button.text, button.url, button.callback_data) == (
        "打开“远程电子书”", "https://ebooks.example.cn/", None)
    assert inline_keyboard(onsite["buttons"]) is None


def test_wechat_shows_the_address_as_text(library: Services) -> None:
    messages = run("在家能看电子书吗")
    text = wechat_text.render(json.loads(json.dumps(messages)))
    assert "网址：https://ebooks.example.cn/" in text
    assert "打开" not in text and "您可以回复" not in text
    assert text.count("【电子书】") == 2  # the cards' payload adds nothing on WeChat


def test_terminal_numbers_only_answerable_buttons(library: Services) -> None:
    assert choices(run("有哪些数字资源"))[0]["title"] == "电子书"
    assert choices(run("在家能看电子书吗")) == []
