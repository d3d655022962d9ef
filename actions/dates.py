"""Dates as readers say them: 今天, 明天, 后天, 周六, 下周一, 这周末,
5月1日, 12月25号, 2027-01-01."""

from __future__ import annotations

import re
from datetime import date, timedelta

_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_WEEK_PATTERN = re.compile(r"(下下|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天末])")
_MONTH_DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]?")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
#: any of the days above, as a pattern to find them by
DAY_WORDS = re.compile("|".join([*sorted(_RELATIVE, key=len, reverse=True), _WEEK_PATTERN.pattern,
                                 _MONTH_DAY.pattern, _ISO.pattern]))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_day(text: str, today: date) -> date | None:
    """The first date mentioned in text, or None. Dates without a year are the next
    such date from today on."""
    for word, offset in sorted(_RELATIVE.items(), key=lambda item: -len(item[0])):
        if word in text:
            return today + timedelta(days=offset)
    if match := _ISO.search(text):
        return _safe_date(*map(int, match.groups()))
    if match := _MONTH_DAY.search(text):
        year, month, day = match.groups()
        if year:
            return _safe_date(int(year), int(month), int(day))
        candidate = _safe_date(today.year, int(month), int(day))
        if candidate and candidate < today:
            candidate = _safe_date(today.year + 1, int(month), int(day))
        return candidate
    if match := _WEEK_PATTERN.search(text):
        prefix, weekday = match.groups()
        monday = today - timedelta(days=today.weekday())
        weeks = {"下下": 2}.get(prefix or "", 1 if prefix and prefix.startswith("下") else 0)
        candidate = monday + timedelta(weeks=weeks, days=_WEEKDAY[weekday])
        if not prefix and candidate < today:
            candidate += timedelta(weeks=1)
        return candidate
    return None


_NEW_YEAR_DAY = re.compile(r"(?:大年|正月)初([一二三四五六七八九十])")
#: the days of the Spring Festival a reader counts (to 元宵, 正月十五)
NEW_YEAR_DAYS = 15


def new_year_day(text: str) -> int | None:
    """Which day of the Spring Festival a message names, counted from 0 (大年初一 → 0,
    正月初三 → 2); None when it names none (初三学生, 五月初五 are no such days)."""
    found = _NEW_YEAR_DAY.search(text)
    return None if found is None else "一二三四五六七八九十".index(found.group(1))


WEEKDAY_NAMES = "一二三四五六日"


def describe_day(day: date, today: date) -> str:
    """'今天（11月25日，周三）' style."""
    relative = {0: "今天", 1: "明天", 2: "后天"}.get((day - today).days, "")
    label = f"{day.month}月{day.day}日，周{WEEKDAY_NAMES[day.weekday()]}"
    if day.year != today.year:
        label = f"{day.year}年" + label
    return f"{relative}（{label}）" if relative else label


_EVENING = ("下午", "晚上", "今晚", "明晚", "傍晚", "夜里")
_CLOCK = re.compile(r"(上午|早上|中午|下午|晚上|今晚|明晚|傍晚|夜里)?\s*"
                    r"(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*[点:：]")
#: "一点" that is no time: "晚一点去", "一点点", "快一点"
_NOT_A_TIME = re.compile(r"[早晚快多慢]一点|一点[点儿]")
_NUMBERS = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)} | {"两": 2}


def parse_hour(text: str) -> int | None:
    """The hour of the day named in text ("下午两点" → 14, "9点" → 9), or None."""
    match = _CLOCK.search(_NOT_A_TIME.sub(" ", text))
    if match is None:
        return None
    part, number = match.groups()
    if number.isdigit():
        hour = int(number)
    elif "十" in number:  # 十, 十一, 二十
        tens, _, ones = number.partition("十")
        hour = _NUMBERS.get(tens, 1) * 10 + _NUMBERS.get(ones, 0)
    else:
        hour = _NUMBERS[number[0]]
    if (part in _EVENING and hour < 12) or (part == "中午" and hour < 6):
        hour += 12
    return hour if 0 <= hour <= 23 else None
