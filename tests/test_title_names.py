"""bot/title_names.py: books' titles named as titles without 《》."""

from __future__ import annotations

import pytest

from bot.title_names import quote_named_titles

pytestmark = pytest.mark.timeout(10)


@pytest.mark.parametrize(("typed", "quoted"), [
    ("有本书名叫活着，馆里有吗", "有本书名叫《活着》，馆里有吗"),
    ("想借书名就叫围城的书", "想借书名就叫《围城》的书"),
    ("书名叫夏洛的网的那本借得到吗", "书名叫《夏洛的网》的那本借得到吗"),  # 的 of the title kept
    ("书名叫做人间词话", "书名叫做《人间词话》"),
    ("那本书的名字叫城南旧事", "那本书的名字叫《城南旧事》"),
    ("书名就叫活着吗", "书名就叫《活着》吗"),  # the question particle left out
    ("书名叫白夜行了吗，在架不", "书名叫《白夜行》了吗，在架不"),
])
def test_a_title_named_as_a_title_is_quoted(typed: str, quoted: str) -> None:
    assert quote_named_titles(typed) == quoted


@pytest.mark.parametrize("text", [
    "我叫张三，想办证", "这个活动叫什么名字", "书名叫《活着》的有吗", "他名字叫啥来着",
    "那本书名叫不出来了", "我女儿名字叫小雨，能办证吗", "讲座题目叫城市记忆，几点开始",
    "这个活动名字叫阅美四季吧", "书名叫什么忘了", "证上名字叫错了怎么改"])
def test_other_messages_stay_as_typed(text: str) -> None:
    assert quote_named_titles(text) == text
