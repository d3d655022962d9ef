"""Masking of readers' personal data (bot.privacy): each pattern as readers type it, and
the numbers a library conversation is full of that must stay readable."""

from __future__ import annotations

import pytest

from bot.privacy import mask_card_number, mask_personal_data


@pytest.mark.parametrize(("text", "masked"), [
    ("我的读者证是JL00000002", "我的读者证是JL******02"),
    ("读者证 jl00000002 忘了密码", "读者证 JL******02 忘了密码"),
    ("卡号：jl 0000 0002。", "卡号：JL******02。"),
    ("卡号 JL-0000-0002", "卡号 JL******02"),
])
def test_reader_cards_keep_the_prefix_and_last_two_digits(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_the_card_of_a_ticket_header_is_masked_whatever_its_form() -> None:
    assert mask_card_number("JL00000002") == "JL******02"
    assert mask_card_number("jl 0000-0002") == "JL******02"


@pytest.mark.parametrize(("text", "masked"), [
    ("手机13812345678", "手机138****5678"),
    ("电话 138-1234-5678，谢谢", "电话 138****5678，谢谢"),
    ("138 1234 5678", "138****5678"),
    ("+86 138 1234 5678", "+86 138****5678"),
    ("+86-19912345678", "+86-199****5678"),
    ("联系我：15912345678或者邮件", "联系我：159****5678或者邮件"),
])
def test_mobile_numbers_keep_the_first_three_and_last_four_digits(
    text: str, masked: str,
) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("身份证号320102199001011234", "身份证号320*************34"),
    ("身份证 32010219900101123x。", "身份证 320*************3X。"),
    ("320102 19900101 123X", "320*************3X"),
    ("旧身份证320102900101123", "旧身份证320**********23"),
])
def test_resident_id_numbers_keep_three_digits_in_front_and_two_at_the_end(
    text: str, masked: str,
) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("邮箱 li.yutong@example.com.cn 谢谢", "邮箱 l***@example.com.cn 谢谢"),
    ("发到13812345678@163.com吧", "发到1***@163.com吧"),
    ("Yu_Tong+lib@Mail.NJU.edu.cn", "Y***@Mail.NJU.edu.cn"),
])
def test_email_addresses_keep_the_first_letter_and_the_domain(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


@pytest.mark.parametrize(("text", "masked"), [
    ("你好，我叫张三，想续借", "你好，我叫**，想续借"),
    ("我是李雨桐", "我是**"),
    ("我是欧阳娜娜。", "我是**。"),
    ("姓名：王小乐", "姓名：**"),
    ("我的名字是司马相如", "我的名字是**"),
])
def test_self_introductions_are_masked(text: str, masked: str) -> None:
    assert mask_personal_data(text) == masked


def test_known_names_are_masked_wherever_they_appear() -> None:
    text = "助手：李雨桐，您有 1 条图书预约。读者：雨桐想再借一本"
    assert mask_personal_data(text, ["李雨桐", " ", ""]) == (
        "助手：**，您有 1 条图书预约。读者：雨桐想再借一本")


@pytest.mark.parametrize("text", [
    "ISBN 9787020024759",
    "ISBN 978-7-02-002475-9，另一本 978-7-111-54493-7",
    "活动在2026-10-28举行，2026年10月28日 14:30 开始",
    "开放时间 09:00-17:00，周一闭馆",
    "复印 0.5 元/页，逾期每天 0.10 元，押金 100 元，共 138.00 元",
    "咨询电话 025-58806791，或 (025) 84356000",
    "我是学生。",
    "我是金陵图书馆的读者",
    "您好，我是王老师，请问您的名字叫什么？",
    "工单 #13812 已关闭",
    "索书号 K928.9/13",
])
def test_numbers_of_the_library_and_ordinary_sentences_stay(text: str) -> None:
    assert mask_personal_data(text) == text


def test_everything_in_one_message() -> None:
    text = ("我叫张三，读者证 jl 0000 0002，手机 +86 138-1234-5678，"
            "身份证 320102199001011234，邮箱 zhangsan@example.com，"
            "想借 ISBN 978-7-02-002475-9，2026-10-28 09:00-17:00 来取，馆里电话 025-58806791")
    assert mask_personal_data(text) == (
        "我叫**，读者证 JL******02，手机 +86 138****5678，"
        "身份证 320*************34，邮箱 z***@example.com，"
        "想借 ISBN 978-7-02-002475-9，2026-10-28 09:00-17:00 来取，馆里电话 025-58806791")
