"""The demo page: the library's mock home page with the widget's single <script> tag,
pointing at the Rasa server; nothing else is served (the chat goes to Rasa directly)."""

import dataclasses
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from bot.chat_page import demo_page_served, widget_script_url
from bot.http_json import free_port
from bot.settings import Settings


@pytest.fixture(scope="module")
def page(test_settings: Settings) -> Iterator[Settings]:
    settings = dataclasses.replace(test_settings, chat_port=free_port())
    with demo_page_served(settings):
        yield settings


def fetch(url: str, data: bytes | None = None) -> tuple[int, str, str]:
    """Status, content type and text of the answer."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data)) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"] or "", ""


def test_serves_the_demo_page_with_the_widget(page: Settings) -> None:
    status, content_type, html = fetch(page.chat_url)
    assert status == 200 and content_type.startswith("text/html")
    assert "金陵图书馆" in html and "演示页面" in html
    for section in ("开放时间", "阅美四季", "南京共享图书馆"):
        assert section in html
    script = widget_script_url(page)
    assert script == f"{page.rasa_url}/webhooks/widget/widget.js"
    assert html.count("<script") == 1 and f'<script src="{script}"' in html


def test_serves_its_stylesheet(page: Settings) -> None:
    status, content_type, css = fetch(page.chat_url + "site.css")
    assert status == 200 and content_type.startswith("text/css") and ".site-header" in css


@pytest.mark.parametrize("path", ["widget/widget.js", "../settings.py", "api/chat", "nope"])
def test_serves_nothing_else(page: Settings, path: str) -> None:
    assert fetch(page.chat_url + path)[0] == 404


def test_has_no_chat_proxy_any_more(page: Settings) -> None:
    assert fetch(page.chat_url + "api/chat", data=b'{"sender": "x", "message": "hi"}')[0] == 501
