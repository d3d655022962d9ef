"""Loans, renewals, fees and holds in conversation through the REST channel, once on
the embedded SQL backend and once on SIP2 (LIBRARY_BACKEND=sip2, the stand-in ILS):
the same reader gets the same answers from either."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from actions.dates import describe_day
from bot import clock
from bot.http_json import free_port, post_json
from bot.processes import AssistantProcesses
from bot.settings import Settings
from bot.setup_library import prepare_library
from tests.conftest import Chat
from tests.standins.sip2_server import sip2_standin

# Its own assistants, so marked by hand (tests/conftest.py marks users of `assistant`).
pytestmark = [pytest.mark.dates, pytest.mark.assistant]

PASSWORD = "reader123"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def kinds(replies: list[dict]) -> list[str]:
    return [reply["outcome"]["kind"] for reply in replies if reply.get("outcome")]


def own_servers(directory: Path) -> dict[str, object]:
    """Ports, stores and a demo library of its own."""
    var_dir = directory / "var"
    var_dir.mkdir()
    return dict(
        rasa_port=free_port(), action_port=free_port(), admin_port=free_port(),
        var_dir=var_dir, tracker_db=var_dir / "rasa_tracker.db",
        database_url=f"sqlite:///{var_dir / 'library.db'}")


@pytest.fixture(scope="module", params=["sql", "sip2"])
def backend_chat(request: pytest.FixtureRequest, test_settings: Settings, model: Path,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chat]:
    """A whole assistant (Rasa server with its channel guard, action server) on its own
    demo library, its circulation from SQL or from the SIP2 stand-in."""
    settings = dataclasses.replace(
        test_settings, **own_servers(tmp_path_factory.mktemp(request.param)))
    prepare_library(settings.database_url)
    with contextlib.ExitStack() as stack:
        if request.param == "sip2":
            settings = stack.enter_context(sip2_standin(settings.database_url)).configure(
                settings)
        log = stack.enter_context((settings.var_dir / "servers.log").open("w"))
        servers = stack.enter_context(AssistantProcesses(settings, model, log))
        servers.start_action_server(wait=False)
        servers.start_rasa_server(wait=False)
        servers.wait_until_ready()
        url = settings.rasa_url + "/webhooks/rest/webhook"

        def send(sender: str, message: str) -> list[dict]:
            replies = post_json(url, {"sender": sender, "message": message},
                                headers=settings.rest_headers)
            assert isinstance(replies, list)
            return replies

        yield send


def test_loans_renewals_fees_and_a_hold(backend_chat: Chat) -> None:
    reader, today = "loans-reader", clock.today()
    assert "验证" in texts(backend_chat(reader, "我借了哪些书"))
    assert "密码" in texts(backend_chat(reader, "JL00000001"))
    listed = backend_chat(reader, PASSWORD)
    shown = texts(listed)
    assert "验证成功" in shown and "loans" in kinds(listed)
    assert "已逾期 5 天" in shown
    assert shown.index("《呼兰河传》") < shown.index("《人生海海》") < shown.index("《白鹿原》")
    assert "已有其他读者预约，不能续借" in shown

    renewed = texts(backend_chat(reader, "续借第二本"))
    assert "《人生海海》已续借" in renewed, renewed
    assert describe_day(today + timedelta(days=30), today) in renewed
    # The list's one-tap button (the same payload as the due-soon notice's): a second
    # tap gets the same answer and uses up no renewal.
    again = next(b for reply in listed for b in reply.get("buttons", [])
                 if b["title"] == "续借《人生海海》")
    assert renewed.splitlines()[-1] == texts(backend_chat(reader, again["payload"]))
    assert "其他读者预约" in texts(backend_chat(reader, "帮我续借《白鹿原》"))
    every = texts(backend_chat(reader, "全部续借"))
    assert "逾期的图书不能续借" in every and "《人生海海》" in every, every

    owed = texts(backend_chat(reader, "我有没有欠费"))
    assert "欠费" in owed and "图书污损" in owed, owed

    confirm = backend_chat(reader, "帮我预约《活着》")
    pickup = next(b for reply in confirm for b in reply.get("buttons", [])
                  if b["title"].startswith("在"))
    assert "预约成功" in texts(backend_chat(reader, pickup["payload"]))
    assert "《活着》" in texts(backend_chat(reader, "我的预约"))


def test_renewing_a_book_the_reader_does_not_have(backend_chat: Chat) -> None:
    reader = "loans-reader-2"
    backend_chat(reader, "帮我续借《三体》")
    backend_chat(reader, "JL00000002")
    answer = texts(backend_chat(reader, PASSWORD))
    assert "没有《三体》" in answer and "《局外人》" in answer, answer
