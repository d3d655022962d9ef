"""Dates as readers say them: 今天, 明天, 明早, 大后天, 周六, 下周一, 这周末, 5月1日, 12月25号,
明年3月2号, 2027-01-01, and festivals: 元旦, 平安夜, 双十一 by the solar calendar, 母亲节,
感恩节 by a weekday of the month, 元宵, 端午, 中秋, 除夕, 大年初三 by the lunar one (lunardate
converts)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from lunardate import LunarDate

_RELATIVE = {"今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3}
#: ... as said with a part of the day, not inside another word (清明晚上, 聪明儿童, 说明早)
_SPOKEN = {"今儿": 0, "今早": 0, "今晚": 0, "明儿": 1, "明早": 1, "明晚": 1, "后儿个": 2}
_SPOKEN_DAY = re.compile(f"(?<![清聪光开黎说证表文简声])({'|'.join(_SPOKEN)})")
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "末": 5}
_WEEK_PATTERN = re.compile(r"(下下个?|下个?|这个?|本)?(?:周|星期|礼拜)([一二三四五六日天末])")
#: a weekday told as a rule ("每逢周一", "一般周二"), not as a day asked about
_RULE_WEEKDAY = re.compile(r"(?:每逢|每个?|向来|一向|都是?|一般|通常|平时|总是|逢)"
                           r"((?:周|星期|礼拜)[一二三四五六日天末])")
#: 12月3号, 2027年1月5日, 28年1月5日, 明年3月2号, 十一月三十号 (a day in characters only with
#: 日 or 号)
_MONTH_DAY = re.compile(r"(?:(?<!\d)(\d{4}|\d{2}|今|明|来|后|去|前)年的?\s*)?"
                        r"(\d{1,2}|十[一二]?|[一二三四五六七八九])月"
                        r"(\d{1,2}|(?:[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=[日号]))"
                        r"[日号]?")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
#: 12.10 as a day when the words after say so ("12.10那天"; not 12.5元)
_DOTTED = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])\.(3[01]|[12]\d|0?[1-9])(?![\d.])"
                     r"(?=\s*(?:那天|这天|当天|那日|号(?![线楼门馆柜])|日))")
#: ... and as found (see _dotted_day)
_DOTTED_ALONE = re.compile(r"(1[0-2]|0?[1-9])\.(3[01]|[12]\d|0?[1-9])")
#: 11/23 as month and day (not a year's date, which _ISO reads, nor 1/2 inside numbers)
_SLASHED = re.compile(r"(?<![\d/])(1[0-2]|0?[1-9])/(3[01]|[12]\d|0?[1-9])(?![\d/页张本册份个次])")
#: 下个月1号, 这个月二十号
_MONTH_AHEAD = re.compile(r"(下|这|本)个?月(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]")
#: festivals on a fixed day of the solar calendar (month, day)
_SOLAR_FESTIVALS = {"元旦": (1, 1), "情人节": (2, 14), "妇女节": (3, 8), "劳动节": (5, 1),
                    "五一": (5, 1), "青年节": (5, 4), "儿童节": (6, 1), "六一": (6, 1),
                    "教师节": (9, 10), "国庆": (10, 1), "万圣节": (10, 31), "双十一": (11, 11),
                    "光棍节": (11, 11), "双十二": (12, 12), "平安夜": (12, 24), "圣诞": (12, 25)}
#: ... and of the lunar one; 除夕 is the day before 春节
_LUNAR_FESTIVALS = {"春节": (1, 1), "元宵": (1, 15), "正月十五": (1, 15), "龙抬头": (2, 2),
                    "端午": (5, 5), "七夕": (7, 7), "中秋": (8, 15), "重阳": (9, 9),
                    "腊八": (12, 8)}
#: ... and on a weekday of a month (month, weekday from Monday = 0, which one)
_WEEKDAY_FESTIVALS = {"母亲节": (5, 6, 2), "父亲节": (6, 6, 3), "感恩节": (11, 3, 4)}
_EVE = ("除夕", "大年三十", "年三十")
_NUMERALS = "一二三四五六七八九十"
#: 大年初三, 正月初五 (not 初三 alone: a school year)
_NEW_YEAR_DAY = re.compile(f"(?:大年|正月)初([{_NUMERALS}])")
_FESTIVAL = re.compile(
    "|".join(sorted([*_SOLAR_FESTIVALS, *_LUNAR_FESTIVALS, *_WEEKDAY_FESTIVALS, *_EVE],
                    key=len, reverse=True))
    .replace("五一", "五一(?![点号日路])").replace("六一", "六一(?![点号日路])")
    # 年三十 as the eve, not an age or a day of a month ("今年三十岁", "2027年三十号")
    .replace("|年三十", r"|(?<![今明去后前\d])年三十(?![岁号日多])")
    + "|" + _NEW_YEAR_DAY.pattern)
#: a day of the month alone ("4号开吗": of this month, or the next when it is gone by;
#: not 3号线, 2号门, 5号窗口)
_DAY_OF_MONTH = re.compile(r"(?<![\d月./])(\d{1,2})[号日](?![线楼门馆柜座室层区口出窗台机位车床])")
#: a day of the calendar, named by its number: more telling than a weekday said with it
#: ("周二不开是吧，那12月8号再去", "那5号周二呢")
CALENDAR_DAY = re.compile("|".join([_MONTH_AHEAD.pattern, _MONTH_DAY.pattern, _ISO.pattern,
                                    _DOTTED.pattern, _SLASHED.pattern, _DAY_OF_MONTH.pattern]))
#: ... with its month named (12月3号, 11/23, 11.3号, 2027-01-05)
MONTH_NAMED = re.compile(r"月|\d[/.\-]\d")
#: any of the days above, as a pattern to find them by
DAY_WORDS = re.compile("|".join([*sorted(_RELATIVE, key=len, reverse=True), _SPOKEN_DAY.pattern,
                                 _FESTIVAL.pattern, _WEEK_PATTERN.pattern, CALENDAR_DAY.pattern]))


#: a day counted from the day asked about before ("次日呢", "隔天去呢", "前一天", "晚一天")
_FROM_THE_DAY_ASKED = {"第二天": 1, "隔天": 1, "隔一天": 1, "次日": 1, "后一天": 1,
                        "晚一天": 1, "往后一天": 1, "推后一天": 1,
                        # the day moved on or back ("往后推一天呢")
                        **{f"{way}{verb}一天": 1 for way in ("往后", "向后")
                           for verb in ("挪", "推", "延")},
                        "挪后一天": 1, "延后一天": 1, "推迟一天": 1,
                        **{f"{way}{verb}一天": -1 for way in ("往前", "向前")
                           for verb in ("", "挪", "推")},
                        "提早一天": -1,
                        "前一天": -1, "头一天": -1, "早一天": -1, "提前一天": -1}
#: ... or a day of its month ("换成5号呢" after 12月3号)
FROM_THE_DAY_ASKED = re.compile("|".join([*sorted(_FROM_THE_DAY_ASKED, key=len, reverse=True),
                                          _DAY_OF_MONTH.pattern]))


#: a weekday of a week named ("这周日", "下礼拜五")
_OWN_WEEK = re.compile(r"(这|下|本|上)个?(周|星期|礼拜)")
#: ... said right after the day it counts from ("圣诞第二天")
_COUNTED_AFTER = re.compile("的?(" + "|".join(sorted(_FROM_THE_DAY_ASKED, key=len, reverse=True))
                            + ")")


def counted_from(text: str, earlier: date, today: date) -> date | None:
    """The day text names by counting from the day asked about before, or by its day of
    that month (of the next month when it is gone by), or None."""
    found = FROM_THE_DAY_ASKED.search(text)
    if found is None:
        return None
    if found.group() in _FROM_THE_DAY_ASKED:
        return earlier + timedelta(days=_FROM_THE_DAY_ASKED[found.group()])
    return day_of_month(int(found.group(1)), earlier, today)


def day_of_month(day: int, month_of: date, today: date) -> date | None:
    """That day of month_of's month, or of the next month when it is gone by."""
    candidate = _safe_date(month_of.year, month_of.month, day)
    if candidate is None or candidate < today:
        year, month = month_of.year + month_of.month // 12, month_of.month % 12 + 1
        candidate = _safe_date(year, month, day)
    return candidate


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
    if spoken := _SPOKEN_DAY.search(text):
        return today + timedelta(days=_SPOKEN[spoken.group(1)])
    if festival := festival_day(text, today):
        return festival
    if match := _ISO.search(text):
        return _safe_date(*map(int, match.groups()))
    if match := _MONTH_AHEAD.search(text):
        which, day = match.groups()
        year, month = (today.year, today.month) if which != "下" else (
            today.year + today.month // 12, today.month % 12 + 1)
        return _safe_date(year, month, number_said(day))
    if match := _MONTH_DAY.search(text):
        year, month_named, day_named = match.groups()
        month, day = number_said(month_named), number_said(day_named)
        if year:
            return _safe_date(_year(year, today), month, day)
        candidate = _safe_date(today.year, month, day)
        if candidate and candidate < today:
            candidate = _safe_date(today.year + 1, month, day)
        return candidate
    if match := _DOTTED.search(text) or _SLASHED.search(text):
        return parse_day(f"{int(match.group(1))}月{int(match.group(2))}日", today)
    if match := _DAY_OF_MONTH.search(text):
        return day_of_month(int(match.group(1)), today, today)
    if match := _WEEK_PATTERN.search(text):
        prefix, weekday = match.groups()
        monday = today - timedelta(days=today.weekday())
        weeks = (prefix or "").count("下")  # 下下周二: two weeks on
        candidate = monday + timedelta(weeks=weeks, days=_WEEKDAY[weekday])
        if not prefix and candidate < today:
            candidate += timedelta(weeks=1)
        return candidate
    return None


#: a year said in words, counted from this one
_YEARS_AHEAD = {"今": 0, "明": 1, "来": 1, "后": 2, "去": -1, "前": -2}
#: two-digit years up to this many years ahead are this century's ("28年"), the rest the
#: last ("99年")
_YEARS_AHEAD_IN_TWO_DIGITS = 20


def _year(named: str, today: date) -> int:
    """2028, 28 or 99 (the nearest century), or 明年 / 去年 as a year."""
    if named in _YEARS_AHEAD:
        return today.year + _YEARS_AHEAD[named]
    if len(named) == 4:
        return int(named)
    this_century = today.year // 100 * 100 + int(named)
    return this_century if this_century <= today.year + _YEARS_AHEAD_IN_TWO_DIGITS \
        else this_century - 100


def festival_day(text: str, today: date) -> date | None:
    """The next day (from today on) of the first festival text names, or None."""
    found = _FESTIVAL.search(text)
    if found is None:
        return None
    name = found.group()
    if name in _SOLAR_FESTIVALS:
        month, day = _SOLAR_FESTIVALS[name]
        return _next(lambda year: _safe_date(year, month, day), today)
    if name in _WEEKDAY_FESTIVALS:
        month, weekday, which = _WEEKDAY_FESTIVALS[name]
        return _next(lambda year: _nth_weekday(year, month, weekday, which), today)
    if name in _EVE:
        return _next(lambda year: _lunar(year, 1, 1) - timedelta(days=1), today)
    if name in _LUNAR_FESTIVALS:
        month, day = _LUNAR_FESTIVALS[name]
    else:  # 大年初N
        month, day = 1, _NUMERALS.index(found.group(1)) + 1
    return _next(lambda year: _lunar(year, month, day), today)


def _nth_weekday(year: int, month: int, weekday: int, which: int) -> date:
    """感恩节: the fourth Thursday of November."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (which - 1))


def _lunar(year: int, month: int, day: int) -> date:
    return LunarDate(year, month, day).to_solar_date()


def _next(day_in: Callable[[int], date | None], today: date) -> date | None:
    """The first of a yearly day, made for each year by day_in, that is not before today
    (a lunar year's last month falls in the next solar year: the year before is tried)."""
    return next((day for year in range(today.year - 1, today.year + 2)
                 if (day := day_in(year)) is not None and day >= today), None)


def _dotted_day(word: str, today: date) -> date | None:
    """"12.10" that CALENDAR_DAY found before 那天, 当天, 这天, 那日, 号 or 日, read out of
    its sentence."""
    match = _DOTTED_ALONE.fullmatch(word)
    return parse_day(f"{int(match.group(1))}月{int(match.group(2))}日", today) if match else None


def day_named(spoken: list[str], text: str, today: date) -> date | None:
    """The day a message names: the day word of the text that holds what the NLU tagged
    (大后天, not the 后天 inside it), else the first one in the text. A calendar day comes
    before a weekday said with it, and a weekday of a named week before a weekday told as
    a rule ("每逢周一关门，下周一去…"), whichever the NLU tagged; so does a festival with a
    weekday that describes it ("明年劳动节刚好周六": 5月1日), not one named beside a day of
    its own ("中秋回老家，这周日开吗"). A day counted from the one named right after it
    ("圣诞第二天") is that day."""
    words = [match.group() for match in DAY_WORDS.finditer(text)]
    tagged = [word for word in words if any(part and part in word for part in spoken)]
    rules = {match.group(1) for match in _RULE_WEEKDAY.finditer(text)}
    # a weekday beside a festival describes it ("明年劳动节刚好周六"), unless its week or a
    # relative day is named too ("中秋回老家，这周日开吗", "圣诞前在外地，后天开吗")
    falls_on = _FESTIVAL.search(text) and not _OWN_WEEK.search(text) and not any(
        word in text for word in _RELATIVE)
    ordered = sorted([*tagged, *words, *spoken], key=lambda word: (
        not (CALENDAR_DAY.search(word) or (falls_on and _FESTIVAL.search(word))),
        word in rules))
    for word in ordered:
        if (day := parse_day(word, today) or _dotted_day(word, today)) is not None:
            # a day counted from it right after it ("圣诞第二天", "中秋前一天")
            counted = _COUNTED_AFTER.match(text, text.find(word) + len(word)) \
                if word in text else None
            return day + timedelta(days=_FROM_THE_DAY_ASKED[counted.group(1)]) if counted \
                else day
    return None


def weekday_describes(text: str) -> bool:
    """Whether a weekday a message names beside a holiday has no week of its own and no
    calendar or relative day beside it ("清明那天刚好周一"; not "中秋回老家，这周日开吗"):
    it may describe the holiday, if it is the holiday's own weekday (the caller's check)."""
    return bool(_WEEK_PATTERN.search(text) and not _OWN_WEEK.search(text)
                and not CALENDAR_DAY.search(text) and not any(word in text for word in _RELATIVE))


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


def number_said(number: str) -> int:
    """9, 九, 十, 十一, 二十, 二十五 as numbers."""
    if number.isdigit():
        return int(number)
    if "十" in number:
        tens, _, ones = number.partition("十")
        return _NUMBERS.get(tens, 1) * 10 + _NUMBERS.get(ones, 0)
    return _NUMBERS[number[0]]


def parse_hour(text: str) -> int | None:
    """The hour of the day named in text ("下午两点" → 14, "9点" → 9), or None."""
    match = _CLOCK.search(_NOT_A_TIME.sub(" ", text))
    if match is None:
        return None
    part, number = match.groups()
    hour = number_said(number)
    if (part in _EVENING and hour < 12) or (part == "中午" and hour < 6):
        hour += 12
    return hour if 0 <= hour <= 23 else None


#: a day of the lunar new year named bare ("初一那天呢"; not 初中, 初级, 初三的孩子, nor
#: 大年初一, 正月初一, which parse_day reads on their own): 初三 alone is also a school year,
#: so only after the hours of a day within NEW_YEAR_REACH of it (new_year_day_meant)
BARE_NEW_YEAR_DAY = re.compile(f"(?<![大正])初([{_NUMERALS}])(?![中级班]|年级|的?(孩子|学生))")
#: how far from the day asked about before the new year's day must be to be meant
NEW_YEAR_REACH = 15


def new_year_day_meant(text: str, asked_before: date, today: date) -> date | None:
    """"初一那天呢", "初二开吗" after the hours of a day near the lunar new year (除夕,
    初三 …): that day of the first month; None otherwise."""
    bare = BARE_NEW_YEAR_DAY.search(text)
    day = parse_day(f"正月初{bare.group(1)}", today) if bare else None
    return day if day and abs((day - asked_before).days) <= NEW_YEAR_REACH else None
