"""Homophone typos of the library's key words (bot/spelling.py)."""

from __future__ import annotations

import pytest

from bot.spelling import corrected, sound


@pytest.mark.parametrize(("typed", "meant"), [
    ("借的书余期一周了", "借的书逾期一周了"),
    ("这本有管藏吗", "这本有馆藏吗"),
    ("馆里可以打引资料吗", "馆里可以打印资料吗"),
    ("退证能退压金吗", "退证能退押金吗"),
    ("想给孩子半证", "想给孩子办证"),
    ("有没有公总号", "有没有公众号"),  # z and zh are one initial to a Nanjing ear
    ("能叙借吗", "能续借吗"),  # the dictionary's 續借 is the same word
    ("关网地址多少", "官网地址多少"),
    ("鼓楼官周末开吗", "鼓楼馆周末开吗"),  # a branch's name
    ("建邺馆下周几点关们", "建邺馆下周几点关门"),
    ("星期天上午开们不", "星期天上午开门不"),
    ("手工坊那期怎么报明", "手工坊那期怎么报名"), ("阅览桌那块插坐多不多", "阅览桌那块插座多不多"),
    ("书调过来以后去那领？", "书调过来以后去哪领？"),
    ("河西分管有空调吗", "河西分馆有空调吗"),  # 分管 after 河西
])
def test_one_wrong_homophone_is_put_right(typed: str, meant: str) -> None:
    assert corrected(typed) == meant


@pytest.mark.parametrize("text", [
    "金图是哪年建的",  # 年建 is no word, but 哪年 is: 建 belongs to its own clause
    "是一回事吗",  # 是 is a function character, not a typo of 十
    "不聊了",
    "荷西是谁",  # names are not key words: no 河西
    "尹建莉的书",
    "有没有《管藏》这本书",  # a title in 《》 is searched as written
    "结束了吗",  # a word of its own
    "借书证丢了",
    "网借寄书的快递费谁出",  # 期 may be read ji, but 借寄 is no 借期
    "省馆在哪",  # 省 may be read xing, but it is no 新馆
    "分管领导是谁", "鼓楼区分管文化的副区长", "江宁分管领导",  # a word of its own
    "江宁官网是哪个",  # 官网 goes on as typed: no 江宁馆
    "他们开们会去了",  # 们 after 开 mid-clause is left alone
    "想报明天下午那场", "插作业本的夹子",  # 明天, 作业
    "公关们呢", "天气预报明后天有雨", "书里穿插作者的手绘",
    # 那 pointing at a place named before, or a plan told, stays
    "鼓楼馆近，到时候就去那取", "到了去那取就行",
])
def test_words_and_names_stay_as_written(text: str) -> None:
    assert corrected(text) == text


def test_sound_merges_what_nanjing_speakers_merge() -> None:
    assert sound("公众") == sound("公总")
    assert sound("老") == sound("脑")
    assert sound("逾") != sound("雨期")
