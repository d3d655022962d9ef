"""bot/title_names.py: titles named as titles without 《》."""

from __future__ import annotations

import pytest

from bot.title_names import quote_named_titles

pytestmark = pytest.mark.timeout(10)


@pytest.mark.parametrize(("typed", "quoted"), [
    ("有本书名叫活着，馆里有吗", "有本书名叫《活着》，馆里有吗"),
    ("找一本名字就叫围城的书", "找一本名字就叫《围城》的书"),
    ("名字叫夏洛的网的那本还在不", "名字叫《夏洛的网》的那本还在不"),  # 的 of the title kept
    ("书名叫做人间词话", "书名叫做《人间词话》"),
])
def test_a_title_named_as_a_title_is_quoted(typed: str, quoted: str) -> None:
    assert quote_named_titles(typed) == quoted


@pytest.mark.parametrize("text", [
    "我叫张三，想办证", "这个活动叫什么名字", "书名叫《活着》的有吗", "他名字叫啥来着",
    "那本书名叫不上来了"])
def test_other_messages_stay_as_typed(text: str) -> None:
    assert quote_named_titles(text) == text
