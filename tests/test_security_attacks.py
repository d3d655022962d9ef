"""The attacks of the security review, against the session's real servers: passwords
typed where none was asked for, throttled logins, lockouts ending sessions, the
widget's sign-out and idle timeout, the REST channel's admission rules, the Rasa API
token kept off the command line, private files."""

from __future__ import annotations

import json
import stat
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from email.message import Message

import pytest
from sqlalchemy import update

from bot import clock
from bot.channels.guard import LOGGED_OUT_TEXT, NOT_KEPT_TEXT
from bot.db.engine import session_factory
from bot.db.models import PasswordPrompt, Reader, ReaderSession
from bot.http_json import post_json
from bot.processes import AssistantProcesses
from bot.services.passwords import hash_password
from bot.settings import Settings
from tests.channel_credentials import REST_TOKEN
from tests.conftest import Chat

PASSWORD = "reader123"
TOO_MANY = "尝试次数过多"
ASKS_FOR_CARD = "读者证号"


def texts(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def secret() -> str:
    """A password-like string nobody else types, to look for in every store."""
    return f"Pw{uuid.uuid4().hex[:10]}9"


def new_reader() -> str:
    return f"attack-{uuid.uuid4().hex[:10]}"


def stored_files(settings: Settings) -> Iterator[tuple[str, bytes]]:
    """Every file the servers write: Rasa's tracker store (with its WAL), the library
    database (the inbox and tickets are in it), the logs."""
    for path in settings.var_dir.rglob("*"):
        if path.is_file():
            yield path.name, path.read_bytes()


def assert_kept_nowhere(settings: Settings, *secrets: str) -> None:
    for name, data in stored_files(settings):
        for value in secrets:
            assert value.encode() not in data, f"{value} found in {name}"


def add_card(settings: Settings) -> str:
    card = f"JL6{uuid.uuid4().int % 10**7:07d}"
    with session_factory(settings.database_url).begin() as session:
        session.add(Reader(card_number=card, name="测试读者", card_type_code="adult",
                           expires_on=clock.today() + timedelta(days=60),
                           password_hash=hash_password(PASSWORD)))
    return card


def fail(chat: Chat, reader: str, card: str, times: int = 1) -> str:
    """Wrong passwords for card from a new conversation (the assistant asks for the
    password again after each); the answer to the last."""
    chat(reader, "我的预约")
    chat(reader, card)
    answers = [texts(chat(reader, secret())) for _ in range(times)]
    return answers[-1]


# --- passwords never stored ----------------------------------------------------------


def test_a_password_typed_out_of_nowhere_is_kept_nowhere(
        chat: Chat, assistant: AssistantProcesses) -> None:
    typed = secret()
    assert texts(chat(new_reader(), typed)) == NOT_KEPT_TEXT
    assert_kept_nowhere(assistant.settings, typed)


def test_a_password_typed_after_throttling_is_kept_nowhere(
        chat: Chat, assistant: AssistantProcesses) -> None:
    reader, card = new_reader(), add_card(assistant.settings)
    typed = [secret() for _ in range(6)]
    chat(reader, "我的预约")
    chat(reader, card)
    for attempt in typed[:4]:
        assert "读者证号或密码不正确" in texts(chat(reader, attempt))
    assert TOO_MANY in texts(chat(reader, typed[4]))  # the last try, not asked again
    # Readers type the password again after a refusal: it is kept back too.
    assert texts(chat(reader, typed[5])) == NOT_KEPT_TEXT
    assert_kept_nowhere(assistant.settings, *typed)


def test_a_password_typed_after_the_prompt_expired_is_kept_nowhere(
        chat: Chat, assistant: AssistantProcesses) -> None:
    reader, typed = new_reader(), "hunter2hunter"
    chat(reader, "我的预约")
    assert "密码" in texts(chat(reader, "JL00000002"))
    with session_factory(assistant.settings.database_url).begin() as session:
        session.execute(update(PasswordPrompt).where(PasswordPrompt.sender_id == f"rest:{reader}")
                        .values(expires_at=clock.now() - timedelta(minutes=1)))
    assert texts(chat(reader, typed)) == NOT_KEPT_TEXT
    assert_kept_nowhere(assistant.settings, typed)


def test_a_password_typed_after_a_blocked_card_answer_is_kept_nowhere(
        chat: Chat, assistant: AssistantProcesses) -> None:
    reader, first, again = new_reader(), secret(), "onlyletterspassword"
    chat(reader, "我的预约")
    chat(reader, "JL00000004")
    assert "停用" in texts(chat(reader, first))  # whatever the password: no confirmation
    assert texts(chat(reader, again)) == NOT_KEPT_TEXT
    assert_kept_nowhere(assistant.settings, first, again)


# --- reader logins -------------------------------------------------------------------


def test_unknown_card_and_wrong_password_get_one_answer(chat: Chat) -> None:
    unknown = fail(chat, new_reader(), "JL19999999")
    wrong = fail(chat, new_reader(), "JL00000002")
    assert "读者证号或密码不正确" in unknown
    assert unknown.replace("JL19999999", "JL…") == wrong.replace("JL00000002", "JL…")


def test_a_lockout_ends_verified_conversations(
        chat: Chat, assistant: AssistantProcesses) -> None:
    card, owner = add_card(assistant.settings), new_reader()
    chat(owner, "我的预约")
    chat(owner, card)
    assert "没有进行中的" in texts(chat(owner, PASSWORD))
    for attacker in (new_reader(), new_reader()):  # 5 tries each: the card's limit of 10
        fail(chat, attacker, card, times=5)
    assert ASKS_FOR_CARD in texts(chat(owner, "我的预约"))
    # Somebody else, even with the right password, is refused for now.
    other = new_reader()
    chat(other, "我的预约")
    chat(other, card)
    assert TOO_MANY in texts(chat(other, PASSWORD))


# --- the widget on a shared computer ----------------------------------------------------


def widget(settings: Settings, route: str, body: dict) -> dict:
    answer = post_json(f"{settings.rasa_url}/webhooks/widget/{route}", body,
                       headers={"Origin": settings.chat_origin})
    assert isinstance(answer, dict)
    return answer


def widget_says(settings: Settings, session: dict, text: str) -> str:
    return texts(widget(settings, "message", {**session, "text": text})["messages"])


def verified_widget_session(settings: Settings) -> dict:
    session = widget(settings, "session", {})
    assert session["idle_seconds"] == settings.widget_idle_minutes * 60
    widget_says(settings, session, "我的预约")
    widget_says(settings, session, "JL00000002")
    assert "验证成功" in widget_says(settings, session, PASSWORD)
    return session


def test_the_widget_signs_out(assistant: AssistantProcesses) -> None:
    settings = assistant.settings
    session = verified_widget_session(settings)
    assert widget(settings, "logout", session) == {"signed_out": True}
    assert ASKS_FOR_CARD in widget_says(settings, session, "我的预约")
    typed = verified_widget_session(settings)
    assert widget_says(settings, typed, "退出登录") == LOGGED_OUT_TEXT
    assert ASKS_FOR_CARD in widget_says(settings, typed, "我的预约")


def test_an_idle_widget_session_ends(assistant: AssistantProcesses) -> None:
    settings = assistant.settings
    session = verified_widget_session(settings)
    idle = timedelta(minutes=settings.widget_idle_minutes + 1)
    with session_factory(settings.database_url).begin() as db:
        db.execute(update(ReaderSession).where(ReaderSession.sender_id == session["session_id"])
                   .values(last_seen_at=clock.now() - idle))
    assert ASKS_FOR_CARD in widget_says(settings, session, "我的预约")


# --- the REST channel ---------------------------------------------------------------------


def rest_status(settings: Settings, body: bytes, headers: dict[str, str]) -> tuple[int, Message]:
    request = urllib.request.Request(f"{settings.rasa_url}/webhooks/rest/webhook", data=body,
                                     headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.headers


JSON = "application/json"
HELLO = b'{"sender": "a", "message": "hi"}'


@pytest.mark.parametrize(("body", "content_type", "token", "status"), [
    (HELLO, JSON, None, 401),
    (HELLO, JSON, "wrong", 401),
    (b'{"message": "hi"}', JSON, REST_TOKEN, 400),
    (b'{"sender": "", "message": "hi"}', JSON, REST_TOKEN, 400),
    (HELLO, "text/plain", REST_TOKEN, 415),  # a cross-origin "simple" request
    (b"not json", JSON, REST_TOKEN, 400),
    (b'{"sender": "a", "message": "' + b"x" * (12 * 1024 * 1024) + b'"}', JSON, REST_TOKEN,
     413),
    (HELLO, JSON, REST_TOKEN, 200),
])
def test_the_rest_channel_admits_only_well_formed_authenticated_requests(
        assistant: AssistantProcesses, body: bytes, content_type: str, token: str | None,
        status: int) -> None:
    headers = {"Content-Type": content_type,
               **({"Authorization": f"Bearer {token}"} if token else {})}
    assert rest_status(assistant.settings, body, headers)[0] == status


def test_no_shared_default_conversation(assistant: AssistantProcesses) -> None:
    rest_status(assistant.settings, b'{"message": "hi"}',
                {"Content-Type": JSON, "Authorization": f"Bearer {REST_TOKEN}"})
    url = assistant.settings.rasa_api_url("/conversations/rest:default/tracker")
    with urllib.request.urlopen(url, timeout=30) as response:
        events = json.load(response)["events"]
    assert not [event for event in events if event["event"] == "user"]


# --- the servers ----------------------------------------------------------------------------


def test_the_rasa_api_token_is_not_on_any_command_line(assistant: AssistantProcesses) -> None:
    token = assistant.settings.rasa_api_token
    for child in assistant.children:
        with open(f"/proc/{child.pid}/cmdline", "rb") as cmdline:
            assert token.encode() not in cmdline.read()
    # ... and the API still requires it.
    plain = f"{assistant.settings.rasa_url}/conversations/x/tracker"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(plain, timeout=30)
    assert refused.value.code == 401


def test_the_tracker_store_is_private(assistant: AssistantProcesses) -> None:
    mode = stat.S_IMODE(assistant.settings.tracker_db.stat().st_mode)
    assert mode == 0o600, oct(mode)
