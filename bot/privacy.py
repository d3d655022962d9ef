"""Masking of what identifies a reader, for texts shown outside the library's systems
(e.g. the staff Telegram groups; the signed-in web desk shows everything in full).

Masked: e-mail addresses (a***@example.com), reader cards (JL******02), resident ID
numbers (18 or 15 characters: 320*************3X), mainland mobile numbers
(138****5678, with an optional +86), the names passed in (**), and self-introductions
("我叫张三" -> "我叫**"). Digits may be grouped by spaces or hyphens as readers type
them. Landlines with an area code (025-58806791) are kept on purpose: the numbers
quoted in conversations are almost always the libraries' public ones. Other long
numbers (e.g. bank cards) are not recognised.

Self-introductions are a pragmatic pattern, not name recognition: after 我叫 / 名字是 /
姓名： any 2-4 Chinese characters are masked; after 我是 only a common surname plus
one or two characters that end the phrase ("我是李雨桐，…"), so "我是学生",
"我是金陵图书馆的读者" and a librarian's "我是王老师" stay. Names told otherwise
are masked only when passed as `names`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NAME_MASK = "**"
_DASHES = r"\-\u2010-\u2015－"
#: an optional separator readers put inside long numbers
_SEP = rf"[ \u3000{_DASHES}]?"
#: a number is the whole run of digits: no digit or hyphen right before it, no digit
#: or hyphenated digit right after it (so nothing inside ISBNs or dates is masked)
_BEFORE = rf"(?<![\d{_DASHES}])"
_AFTER = rf"(?!\d|[{_DASHES}]\d)"
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9._%+\-]+)@"
                    r"([A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,})")
_CARD = re.compile(rf"[Jj][Ll]{_SEP}\d(?:{_SEP}\d){{7}}{_AFTER}")
_RESIDENT_ID = re.compile(
    rf"{_BEFORE}\d(?:(?:{_SEP}\d){{16}}{_SEP}[\dXx]|(?:{_SEP}\d){{14}})(?![\dXx]|[{_DASHES}]\d)"
)
_MOBILE = re.compile(rf"{_BEFORE}(\+?86{_SEP})?(1{_SEP}[3-9](?:{_SEP}\d){{9}}){_AFTER}")
_HAN = r"[\u4e00-\u9fff]"
_COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
    "杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史"
    "陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿"
    "兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁"
)
_SELF_INTRODUCTION = re.compile(
    rf"(我叫|名字[是叫]|姓名\s*[:：是为]\s*)(?!什么|啥)(?:{_HAN}|·){{2,4}}"
    rf"|(我是)(?:欧阳|司马|诸葛|上官|[{_COMMON_SURNAMES}])(?!老师|馆员){_HAN}{{1,2}}(?!{_HAN})"
)


def mask_card_number(card: str) -> str:
    """"JL00000002" -> "JL******02": the letters in front and the last two digits."""
    compact = re.sub(r"[^0-9A-Za-z]", "", card)
    prefix = re.match(r"[A-Za-z]*", compact).group().upper()
    digits = compact[len(prefix):]
    return prefix + "*" * max(len(digits) - 2, 0) + digits[-2:]


def _email(match: re.Match[str]) -> str:
    return f"{match.group(1)[0]}***@{match.group(2)}"


def _resident_id(match: re.Match[str]) -> str:
    chars = re.sub(r"[^\dXx]", "", match.group()).upper()
    return chars[:3] + "*" * (len(chars) - 5) + chars[-2:]


def _mobile(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(2))
    return f"{match.group(1) or ''}{digits[:3]}****{digits[-4:]}"


def _self_introduction(match: re.Match[str]) -> str:
    return (match.group(1) or match.group(2)) + NAME_MASK


def mask_personal_data(text: str, names: Iterable[str] = ()) -> str:
    """The text with e-mail addresses, reader cards, resident IDs, mobile numbers, the
    given names (of two or more characters) and self-introduced names masked."""
    text = _EMAIL.sub(_email, text)
    text = _CARD.sub(lambda match: mask_card_number(match.group()), text)
    text = _RESIDENT_ID.sub(_resident_id, text)
    text = _MOBILE.sub(_mobile, text)
    for name in sorted({name.strip() for name in names}, key=len, reverse=True):
        if len(name) >= 2:
            text = text.replace(name, NAME_MASK)
    return _SELF_INTRODUCTION.sub(_self_introduction, text)
