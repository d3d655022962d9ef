"""Opening hours (date- and holiday-aware) and how to get to a branch."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import book_the_faq_lacks
from actions.context import (
    branch_spoken_of,
    continues_message,
    is_follow_up,
    previous,
    previous_outcomes,
    previous_text,
)
from actions.dates import (
    BARE_NEW_YEAR_DAY,
    DAY_WORDS,
    FROM_THE_DAY_ASKED,
    MONTH_NAMED,
    WEEKDAY_NAMES,
    counted_from,
    day_named,
    describe_day,
    festival_day,
    new_year_day_meant,
    parse_day,
    parse_hour,
    weekday_describes,
)
from actions.event_names import event_of_the_day_named
from actions.faq_answers import (
    LIBRARY_NAMES,
    PREMISE,
    WHERE_TO,
    FaqFirst,
    answer_or_menu,
    say,
)
from actions.library import LibraryAction, services
from actions.reader_text import latest_entity_values, quote, without_branches
from bot import clock
from bot.booking_words import BOOKED, EVENT_WORDS
from bot.branches import OTHER_LIBRARY
from bot.outcome import outcome
from bot.question_words import ASKS, OPENING, WHERE
from bot.services.faq_model import FaqAnswer
from bot.services.faq_retrieval import cjk_length
from bot.services.interface import WEEKLY_CLOSURE, BranchInfo, DayHours
from bot.services.search_text import normalise

MAIN_BRANCH = "JL-MAIN"
UNCONFIRMED_NOTE = "（以上为示例数据，图书馆尚未确认，请以金陵图书馆官网和公众号公告为准。）"


#: ... and 开的吧, which of a branch the message names may say who runs it ("…是区里开的吧")
HOURS_WORDS = re.compile(f"{OPENING}|时间|开的[吧吗]")
#: how far or near a place is ("多远", "旁边那栋"): a place question without its usual words
NEAR_WORDS = re.compile(r"远|附近|旁边|隔壁|打车|开车|哪个门|那一?带")
#: going in or being let in on a day ("周一方便进去看书不", "那天开着吗")
ENTERS = re.compile(r"进|开|能去|去得了")
VISIT_WORDS = re.compile(r"平时|平常|周末|工作日|节假日|假期|晚上|早上|上午|下午|中午")
#: a year named in a message ("2020年", "2019 年初"; "20年" once normalised)
YEAR_NAMED = re.compile(r"(?<!\d)((?:19|20)\d\d)(?=\s*年)")
#: ... or a time gone by in words ("那年", "当时"; not 以前 nor 过去: "九点以前", "明天过去";
#: not 那时候 of a day to come: see `asks_of_the_past`)
TIME_GONE_BY = re.compile(r"当时|那年|那时候?|那会儿|那一?回|那阵子?|疫情(期间|那)")
PLACE_WORDS = re.compile(f"{WHERE}|怎么去|怎么走|怎么过去|咋去|咋走|咋过去|路线|交通|地铁|公交|"
                         "坐车|位置|停车|几号线")
#: what marks a book's name rather than a place's ("某作家的某书", 《某书》): a book asked for
#: that DIET took for the address is searched
BOOK_MARKED = re.compile(r"《|[\u4e00-\u9fff·]{2,}的[\u4e00-\u9fff·]{2,}")
#: where to leave a car or a bike ("车子停哪", "附近能停车不", "小车放什么地方", "骑电瓶车
#: 来的话停哪"): the FAQ's rule, not the address
PARKING = re.compile(r"停车|车位|车库|泊车|车[^，,。？?！!\s]{0,4}停(?![业止办运])|"
                     r"车[^，,。？?！!\s]{0,4}放(?=[^，,。？?！!\s]{0,3}(哪|什么地方))|"
                     r"车[^，,。？?！!\s]{0,2}(哪|什么地方)[儿里]?放|"
                     r"(电驴|电动|电瓶|单车|自行车|摩托|自驾|开车|骑)[^。？?！!]{0,8}"
                     r"(停|放)(哪|在哪|什么地方|到哪)")
#: a word pointing at a place just named ("它几点关", "那边开到几点")
POINTS_AT_A_BRANCH = re.compile(r"它|那边|那里|那儿|那家|该馆|这个馆|那个馆")


def requested_branches(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[BranchInfo]:
    """The branches the reader named ("鼓楼馆和江宁馆"), else those the previous answer
    was about, or the one the previous message named when this one points back at it,
    else the main library; none, after telling the reader which branches there are, if
    a name is unknown."""
    info = services().info
    named = latest_entity_values(tracker, "branch")
    if named:
        found = [info.find_branch(name) for name in named]
        for name, branch in zip(named, found, strict=True):
            if branch is None:
                names = "、".join(b.name for b in info.branches())
                dispatcher.utter_message(
                    text=f"抱歉，没有找到“{quote(name)}”。目前可以查询的馆有：{names}。",
                    **outcome("unknown_branch"),
                )
                return []
        return list({branch.code: branch for branch in found if branch}.values())
    # every branch the previous answer was about ("分馆和总馆后日各开到何时" then "那下周一呢":
    # both again)
    about = list(dict.fromkeys(outcome["branch"] for outcome in previous_outcomes(tracker)
                               if outcome.get("kind") in ("hours", "location")
                               and outcome.get("branch")))
    if not about and POINTS_AT_A_BRANCH.search(tracker.latest_message.get("text", "")):
        # "它…几点关" after "江宁馆与金图属于同一家吗" (the FAQ's answer): that branch, also
        # when a question about something else came between
        spoken = branch_spoken_of(tracker, LIBRARY_NAMES)
        about = [spoken] if spoken else []
    found = [branch for code in about or [MAIN_BRANCH] if (branch := info.find_branch(code))]
    return found or [info.find_branch(MAIN_BRANCH) or info.branches()[0]]


def switched_topic(tracker: Tracker, words: re.Pattern[str], this: str, other: str) -> bool:
    """A follow-up ("那分馆呢") to an answer of the other kind only (hours ↔ location)
    that does not itself ask about this one."""
    text = tracker.latest_message.get("text", "")
    asks_this = words.search(text) or (this == "hours" and parse_day(text, clock.today()))
    return (is_follow_up(text) and not asks_this
            and previous(tracker, other) is not None and previous(tracker, this) is None)


#: the day closed every week asked, not a day's hours ("每周哪天闭馆", "它哪天不开")
ASKS_THE_CLOSING_DAY = re.compile(r"哪(天|一天|几天)(不开|闭馆|休息|休馆|歇|关门)|(休馆|闭馆)日|"
                                  r"(每周|一周|每个?礼拜|每星期).{0,4}(闭馆|休息|休馆|不开|歇)|"
                                  r"一周开几天")


def weekly_closing_text(branch: BranchInfo, today: date) -> str:
    """The weekdays the branch is closed every week, read off its next seven days."""
    closed = [WEEKDAY_NAMES[day.weekday()] for day in (today + timedelta(days=n) for n in range(7))
              if services().info.hours_on(branch.code, day).reason == WEEKLY_CLOSURE]
    days = "、".join(sorted(closed, key=WEEKDAY_NAMES.index))
    return (f"{branch.name}每周{days}例行闭馆，其余日子照常开放。" if days
            else f"{branch.name}没有每周固定的闭馆日。")


def hours_text(hours: DayHours, today: date) -> str:
    when = describe_day(hours.day, today)
    reason = f"（{hours.reason}）" if hours.reason else ""
    if hours.opens is None:
        return f"{hours.branch}{when}闭馆{reason}。"
    return f"{hours.branch}{when}开放{reason}，时间 {hours.opens:%H:%M}–{hours.closes:%H:%M}。"


#: whether one can still make it ("赶得及吗", "来得及吧")
MAKES_IT = re.compile(r"赶得上|赶得及|赶不上|赶不及|来得及|来不及|去得了|进得去|"
                      # whether going on a day or at a time will do ("25号过去行吗", "周五
                      # 去可以吗"; not "带狗过去可以吗", a rule)
                      r"(?<=[天号日一二三四五六七点午晚])(去|过去|过来)"
                      r"(行不行|行吗|可以吗|可不可以|成吗|成不成|方便吗|没问题吧)")
#: ... in time for something else than the doors: a loan's or a sign-up's deadline
ERRAND = re.compile(r"续|报名|还书|归还|还回|到期|交")
#: the present moment: today, whatever day the previous answer was about ("这会儿开着没")
NOW = re.compile(r"现在|此刻|这会儿?|眼下|目前")


def asks_of_the_past(text: str) -> bool:
    """A year gone by, or a time gone by in words, unless the message names a day to come
    ("下月3号晚上去，那时候还开着吧")."""
    today = clock.today()
    if any(int(year) < today.year for year in YEAR_NAMED.findall(normalise(text))):
        return True
    day = parse_day(text, today)
    return bool(TIME_GONE_BY.search(text)) and not (day is not None and day >= today)


class ActionOpeningHours(FaqFirst):
    action_name = "action_opening_hours"
    menu_when_unasked = True
    answers_letters = True
    # also whether one gets there in time ("周六傍晚五点出发来得及吧")
    requests = re.compile(f"{HOURS_WORDS.pattern}|{MAKES_IT.pattern}")
    own_words = re.compile(f"{requests.pattern}|{VISIT_WORDS.pattern}|{DAY_WORDS.pattern}")
    # (hours-011: the day each branch closes every week, read off its timetable)
    answers_live = frozenset({"hours-001", "hours-002", "hours-003", "hours-004", "hours-010",
                              "hours-011", "hours-013", "children-004"})

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """A year gone by ("2019年的时候几点关门", "那年闭馆时几点开") asks about the
        library's history: the FAQ's answer or candidates rather than today's hours (which
        it gets only when the FAQ knows nothing of it)."""
        text = tracker.latest_message.get("text", "")
        if asks_of_the_past(text) and answer_or_menu(dispatcher, tracker, text):
            return []
        if visit_on_a_day(tracker):  # "那天总馆我能过去不": that day's hours, not the FAQ's menu
            return self.request(dispatcher, tracker)
        return super().act(dispatcher, tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if switched_topic(tracker, HOURS_WORDS, "hours", "location"):
            return ActionLocation().request(dispatcher, tracker)
        branches = requested_branches(dispatcher, tracker)
        today = clock.today()
        lines = []
        text = tracker.latest_message.get("text", "")
        holidays = latest_entity_values(tracker, "holiday")
        day = named = day_named(latest_entity_values(tracker, "date") + holidays, text, today)
        for holiday in holidays:  # 清明节, 春节 under way: the library's own table comes first
            own = services().info.holiday_date(holiday, today)
            # (a weekday said of the holiday itself: "清明那天刚好礼拜一")
            described = day is not None and own is not None \
                and own.weekday() == day.weekday() and weekday_describes(text)
            if day is not None and day != festival_day(holiday, today) and not described:
                break
            day = own or day
            if day is None:
                lines.append(f"图书馆还没有公布{holiday}期间的开放安排，届时请关注官网公告。")
        festival = festival_day(text, today)
        if day is None and (event := event_of_the_day_named(text)):  # "诗会当天开到几点"
            day = event.starts_at.date()
            at = None if latest_entity_values(tracker, "branch") else \
                services().info.find_branch(event.branch)
            branches = [at] if at else branches
        weekly = day is None and ASKS_THE_CLOSING_DAY.search(text) is not None
        day = day_in_context(tracker, text, day, today) or today
        if day < today:
            lines.append("这个日期已经过去了，下面是今天的开放情况。")
            day = today
        hour = parse_hour(tracker.latest_message.get("text", ""))
        # "平时工作日几点关门呢" after Sunday's hours: each branch's usual weekday
        ordinary = (named is None and ORDINARY_DAY.search(text) is not None
                    and not NOW.search(text))
        for branch in branches:
            if ordinary:
                day = ordinary_day(branch.code, today)
            hours = services().info.hours_on(branch.code, day)
            if day == festival and not hours.reason:  # 中秋, with no schedule published
                lines.append("图书馆还没有公布这天的节假日安排，以下是平时这一天的开放时间，"
                             "届时请以官网公告为准。")
            lines.append(hours_text(hours, today))
            if weekly:
                lines.append(weekly_closing_text(branch, today))
            if hour is not None and hours.opens is not None and hours.closes is not None:
                # "晚上十点还能去看书吧": the premise, checked
                open_then = hours.opens <= time(hour) < hours.closes
                lines.append(f"{hour}点时{'正在开放' if open_then else '不开放'}。")
            if not branch.confirmed:
                lines.append(UNCONFIRMED_NOTE)
            dispatcher.utter_message(text="\n".join(lines),
                                     **outcome("hours", branch=branch.code, date=day.isoformat()))
            lines = []
        return []


#: this library said to stand at a place, asked or supposed ("金陵图书馆不是在某街那边吗",
#: "金图是在某湖边上吧"; not where in it, "是在几楼", nor what it is doing, "是在装修吗")
LIBRARY_SAID_TO_STAND = (
    r"(?:金图|金陵图书馆|你们馆|你们图书馆|总馆)(?:是不是|不是|不就是?|是|就是?|应该是?)在"
    r"(?![^，,。？?]*(?:哪|几|什么|啥|开门|关门|修|装|整|搞|办|换|排队))"
    r"(?=[^，,。？?\s]{1,12}?(?:那边|那儿|那里|那一?片|那块|边上|旁边|附近|对面|隔壁|一带|"
    r"脚下|周边|[路街湖山区口庙门园桥站镇村场城])[上里]?"
    r"(?:对吧|是吧|来着|[吗嘛吧呢啊呀哈]|[，,。？?\s]|$))")


#: the FAQ's entries on coming to the main library by metro and by bus, which staff keep
#: up to date with the lines and stops
TRANSIT_ENTRIES = frozenset({"location-002", "location-003"})
BY_BUS, BY_METRO = re.compile(r"公交|巴士|几路"), re.compile(r"地铁|几号线|轨交")


class ActionLocation(FaqFirst):
    action_name = "action_location"
    menu_when_unasked = True
    answers_letters = True
    requests = re.compile(f"{WHERE}|怎么去|怎么走|咋走|咋过去|怎么过去|怎样过去|如何过去|咋去|"
                          r"在什么地方|在什么位置|路线|"
                          r"坐.{0,3}(地铁|公交|车)|几号线|位置|导航|"
                          # a premise about where it is ("不就在某公园边上嘛") ...
                          r"(?<!我)(?<!我家)(不是|不就是?|就)在[^，,。？?]{1,12}"
                          r"(边上|旁边|附近|对面|隔壁|一带)[吗嘛吧](?=[？?。！!，,\s]|$)|"
                          # ... or the library said to stand somewhere ("金图是不是在某山脚
                          # 下"): the frame only, so that the FAQ still answers a place it
                          # names (the wrong address some pages give)
                          f"{LIBRARY_SAID_TO_STAND}")
    own_words = re.compile(f"{requests.pattern}|{PLACE_WORDS.pattern}")
    answers_live = frozenset({"location-001", *TRANSIT_ENTRIES})

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        """A day's visit with no place words whose sure FAQ answer is one the hours give
        live ("后天过去方便吗": whether the library opens that day) gets that day's hours."""
        text = tracker.latest_message.get("text", "")
        if parse_day(text, clock.today()) and not PLACE_WORDS.search(text):
            answer = services().knowledge.answer(text, lenient=True)
            if answer.kind == "answer" and answer.key in ActionOpeningHours.answers_live:
                return ActionOpeningHours().request(dispatcher, tracker)
        return super().act(dispatcher, tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        text = tracker.latest_message.get("text", "")
        asks_a_place = bool(self.requests.search(text) or PLACE_WORDS.search(text)
                            or NEAR_WORDS.search(text))
        if switched_topic(tracker, PLACE_WORDS, "location", "hours") or (
                parse_day(text, clock.today()) and ENTERS.search(text) and not asks_a_place):
            # "江宁馆周一上午方便进去看书不": a day and no place words ask about the visit
            return ActionOpeningHours().request(dispatcher, tracker)
        if PARKING.search(text) and answer_or_menu(dispatcher, tracker, text, lenient=True):
            return []
        branches = set(latest_entity_values(tracker, "branch")) - LIBRARY_NAMES
        # where to get something done ("证丢了去哪挂失办"), at no branch named, is a rule
        where_to_do = WHERE_TO.search(text) and not branches
        if (((PREMISE.search(text) or not (is_follow_up(text) or branches)) and not asks_a_place)
                or where_to_do) and answer_or_menu(dispatcher, tracker, text, lenient=True):
            # "金图是民营的吧" names the library, and asks nothing of its place; nor does
            # "官网地址多少" (a website's address)
            return []
        if not asks_a_place and not branches and not is_follow_up(text) \
                and BOOK_MARKED.search(text) \
                and (lacked := book_the_faq_lacks(dispatcher, text)) is not None:
            return lacked  # "有没有某作家的某书": a book asked for, not the address
        for branch in requested_branches(dispatcher, tracker):
            by_transit = transit_answer(text) if branch.code == MAIN_BRANCH else None
            lines = [f"{branch.name}地址：{branch.address}",
                     *([] if by_transit else [f"交通：{branch.transport}"])]
            if branch.phone:
                lines.append(f"电话：{branch.phone}")
            if not branch.confirmed:
                lines.append(UNCONFIRMED_NOTE)
            dispatcher.utter_message(text="\n".join(lines),
                                     **outcome("location", branch=branch.code))
            if by_transit:
                say(dispatcher, by_transit)
        return []


def transit_answer(text: str) -> FaqAnswer | None:
    """The FAQ's entry on the way of coming the reader asks about ("几路车能到总馆"),
    given after the main library's address instead of the card's general transport line;
    None when the message asks no way of coming, or both ("坐地铁还是公交方便": the card's
    line says both)."""
    if BY_BUS.search(text) and BY_METRO.search(text):
        return None
    answer = services().knowledge.answer(text, lenient=True)
    return answer if answer.kind == "answer" and answer.key in TRANSIT_ENTRIES else None


#: the weekday of the day asked about before, pointed at ("那个周五", "那周六")
THAT_WEEKDAY = re.compile(r"那个?(?:周|星期|礼拜)([一二三四五六日天])")
#: a day asked about as a day of next week ("下周六开吗"), whose other days a weekday
#: named bare points at
NEXT_WEEK_SAID = re.compile(r"下个?(?:周|星期|礼拜)")
#: a weekday named bare, without 这, 下 or 本 ("那星期日呢")
BARE_WEEKDAY = re.compile(r"(?<![这下本个上每])(?:周|星期|礼拜)([一二三四五六日天])")


#: an ordinary working day, not the one asked about before ("那工作日呢", "平时几点关"; not
#: 非工作日)
ORDINARY_DAY = re.compile(r"(?<![非不是])工作日|平时|平常|周中")
#: how far ahead an ordinary day is looked for
ORDINARY_DAYS_AHEAD = 14


def ordinary_day(branch: str, today: date) -> date:
    """The first day from today, Monday to Friday, on which the branch keeps its usual
    hours (open, and no holiday or closure said): what "平时" means of it."""
    info = services().info
    for ahead in range(ORDINARY_DAYS_AHEAD):
        day = today + timedelta(days=ahead)
        hours = info.hours_on(branch, day)
        if day.weekday() < 5 and hours.opens is not None and not hours.reason:
            return day
    return today


#: the day a loan is due, pointed at ("到期那天送回去")
DUE_DAY = re.compile(r"到期(的)?那天|还书(的)?那天|截止(的)?那天|借期最后一天")
#: the day of what was just spoken of ("那天", "当天")
THAT_DAY = re.compile(r"那天|当天|那一天")


def day_in_context(tracker: Tracker, text: str, day: date | None, today: date) -> date | None:
    """The day an hours question asks about after an hours answer for a day: "第二天呢"
    after "清明开吗" the day after; "那5号周二呢" after 国庆 the 5th of that month (a
    weekday said with it describes it); "那分馆呢", "傍晚还开着吗" after "周五开吗" that
    day. A day named with its month, or 现在, stands alone. "到期那天" after a renewal or
    the loans with one due day: that day; "那天" after a sign-up: the event's day."""
    if day is None and DUE_DAY.search(text):
        dues = set((previous(tracker, "renewal", "loans") or {}).get("due_dates") or [])
        if len(dues) == 1:
            return date.fromisoformat(dues.pop())
    signed_up = previous(tracker, "event_signup") or {}
    if day is None and THAT_DAY.search(text) and signed_up.get("date"):
        return date.fromisoformat(signed_up["date"])  # "当天闭馆是几点" after a sign-up
    earlier = previous(tracker, "hours")
    if not (earlier and earlier.get("date")) or NOW.search(text) or (
            day is not None and MONTH_NAMED.search(text)):
        return day
    asked_before = date.fromisoformat(earlier["date"])
    if day is None and (new_year_day := new_year_day_meant(text, asked_before, today)):
        return new_year_day  # "初一那天呢" after 除夕's hours
    that = THAT_WEEKDAY.search(text)
    if that and WEEKDAY_NAMES.index(that.group(1).replace("天", "日")) == asked_before.weekday():
        return asked_before  # "那个周五" after an answer about a Friday: that Friday
    if counted := counted_from(text, asked_before, today):
        return counted  # (a weekday said with a day of the month only describes it)
    bare = BARE_WEEKDAY.search(text)
    if bare and asked_before > today and NEXT_WEEK_SAID.search(previous_text(tracker)):
        # "那星期日呢" after "下周六": the Sunday of that week, not the coming one (after
        # "周一开吗" or "国庆开吗": the coming one)
        monday = asked_before - timedelta(days=asked_before.weekday())
        named = monday + timedelta(days=WEEKDAY_NAMES.index(bare.group(1).replace("天", "日")))
        if named >= today:
            return named
    return day or asked_before


def follows_a_visit_answer(tracker: Tracker) -> bool:
    """"后天呢", "那分馆呢", "平时呢", "那元旦呢", "周五晚上还来得及吗" after an answer about
    opening hours (the FAQ's too: "国庆节闭馆吗") or a location (a question with its own
    place words goes to the location instead); so is the second question of one message
    that names a day ("江宁馆地址？下月3号开吗": that branch, that day)."""
    text = tracker.latest_message.get("text", "")
    day = parse_day(text, clock.today())
    names_a_visit = (VISIT_WORDS.search(text) or day
                     or FROM_THE_DAY_ASKED.search(text)  # "隔天呢"
                     or BARE_NEW_YEAR_DAY.search(text)  # "初一那天呢" (see day_in_context)
                     or latest_entity_values(tracker, "branch")
                     or latest_entity_values(tracker, "holiday"))
    about_hours = str((previous(tracker, "faq") or {}).get("id", "")).startswith("hours-")
    # "周四收工再去赶得及吗": whether one makes it on a day, as a question of its own
    makes_it = day is not None and MAKES_IT.search(text) and not ERRAND.search(text)
    continued = continues_message(tracker) and day is not None and HOURS_WORDS.search(text)
    return ((is_follow_up(text) or bool(makes_it) or bool(continued)) and bool(names_a_visit)
            and not PLACE_WORDS.search(text)
            and (about_hours or previous(tracker, "hours", "location") is not None))


#: going there, or the doors ("过去", "再来", "能进", "开吗", "还是这个钟点关门吧")
GOES_OR_OPENS = re.compile(f"过去|过来|去(?![年过世])|再来|跑一趟|能进|进得去|进馆|{OPENING}|"
                           r"开(得|那么|这么|到)?[晚早]")
#: ... the day of the previous answer pointed at ("那天", "同一天")
THAT_DAY_SAID = re.compile(r"[那当同]一?天")
#: ... and nothing else to do there: an errand, a book, a hold to pick up, an event, a
#: room, a card, copies, the way
NOT_A_VISIT = re.compile(f"{ERRAND.pattern}|借|书(?!馆)|约|订|[取拿领]|办|复印|打印|"
                         f"{BOOKED.pattern}|{PLACE_WORDS.pattern}")
#: a visit asked about after a visit answer says no more than this many Chinese characters
VISIT_ASKED_LENGTH = 20


def visit_on_a_day(tracker: Tracker) -> bool:
    """"11.20那天打算过去，应该可以吧", "后天过去方便吗", "嗯？那天总馆我能过去不",
    "下礼拜六来的话 还是这个钟点关门吧", "平时工作日几点关门呢" after an answer about
    opening hours or a place:
    going there on a day (named, pointed at: 那天, or counted from it: 前一天) or the doors
    on a kind of day, in a short message of no follow-up pattern — the hours that day, at
    the branch it names or the one the previous answer was about. Not an errand, a book,
    an event, a room, a card or the way, nor a rule the FAQ is sure of in what is left,
    when it is not about hours or places ("那天能带狗去吗"; what is left is mostly
    fragments, whose candidates say nothing)."""
    text = tracker.latest_message.get("text", "")
    about_hours = str((previous(tracker, "faq") or {}).get("id", "")).startswith("hours-")
    if (not (about_hours or previous(tracker, "hours", "location"))
            or cjk_length(text) > VISIT_ASKED_LENGTH or NOT_A_VISIT.search(text)
            or not GOES_OR_OPENS.search(text) or asks_of_the_past(text)
            or OTHER_LIBRARY.search(normalise(text))):
        return False
    day_said = (parse_day(text, clock.today()) or THAT_DAY_SAID.search(text)
                or FROM_THE_DAY_ASKED.search(text) or BARE_NEW_YEAR_DAY.search(text)
                or (VISIT_WORDS.search(text) and HOURS_WORDS.search(text)))
    if not day_said:
        return False
    rest = beyond_a_visit(tracker)
    if cjk_length(rest) < len("宠物"):
        return True
    answer = services().knowledge.answer(rest)
    return answer.kind != "answer" or answer.key.startswith(("hours-", "location-"))


#: words that only carry a visit asked about ("啊", "我想", "再", "行", "没问题吧", "方便吗":
#: not the toilets)
VISIT_FILLER = re.compile(r"没问题|方便|可以|的话|这个点|一般|照常|"
                          r"[啊哦嗯诶那我想再还也是了吧不行就能换成]")


def beyond_a_visit(tracker: Tracker) -> str:
    """The message without its day, its going or doors, the branches the NLU found in it
    and the words that only ask: what else it speaks of ("带宠物狗" in "那天能带宠物狗
    进去吗"), for the FAQ to say whether that is a rule of its own."""
    text = without_branches(tracker)
    for words in (DAY_WORDS, THAT_DAY_SAID, FROM_THE_DAY_ASKED, VISIT_WORDS, GOES_OR_OPENS,
                  ASKS, VISIT_FILLER):
        text = words.sub(" ", text)
    return text


def follows_a_place_answer(tracker: Tracker) -> bool:
    """"那金陵图书馆呢", "那河西分馆呢" after the FAQ's answer about a place ("南京图书馆在
    哪儿"): where that branch is."""
    text = tracker.latest_message.get("text", "")
    about_a_place = str((previous(tracker, "faq") or {}).get("id", "")).startswith("location-")
    return (is_follow_up(text) and about_a_place and not HOURS_WORDS.search(text)
            and bool(latest_entity_values(tracker, "branch")))


#: a message that begins by pointing back at what the previous answer was about (the
#: events' POINTS_BACK finds such words anywhere: "少儿馆那边有什么活动")
BEGINS_POINTING_BACK = re.compile(r"^\W*那?(它|那边|那里|那儿|那家|这家|那个馆|这个馆|该馆)")


def points_back_to_a_branch(tracker: Tracker, words: re.Pattern[str]) -> bool:
    """A message that begins by pointing back at the branch the previous answer was about
    (its hours or its place), names no branch, and says these words."""
    text = tracker.latest_message.get("text", "")
    earlier = previous(tracker, "hours", "location")
    return (bool(BEGINS_POINTING_BACK.match(text)) and bool(words.search(text))
            and earlier is not None and bool(earlier.get("branch"))
            and not latest_entity_values(tracker, "branch"))


#: where, asked and nothing else ("具体在哪块啊", "到底在哪呢")
ONLY_WHERE = re.compile(f"^\\W*(那|现在|目前|具体)?(是|就)?在?({WHERE})[呢啊呀吗哦]?\\W*$")


def asks_where_it_is(tracker: Tracker) -> bool:
    """"它在哪呀，我没去过", "那边地址是啥", or where alone ("具体在哪块啊", also as a
    message's second question) after an answer about a branch's hours: where that branch
    is."""
    earlier = previous(tracker, "hours", "location")
    return points_back_to_a_branch(tracker, PLACE_WORDS) or (
        bool(ONLY_WHERE.match(tracker.latest_message.get("text", "")))
        and earlier is not None and bool(earlier.get("branch"))
        and not latest_entity_values(tracker, "branch"))


def asks_when_it_opens(tracker: Tracker) -> bool:
    """"那它哪天休息", "那边周日几点闭馆" after an answer about a branch: its hours (not the
    time of an event there: "那边的讲座几点开始")."""
    return (points_back_to_a_branch(tracker, HOURS_WORDS) and not asks_where_it_is(tracker)
            and not EVENT_WORDS.search(tracker.latest_message.get("text", "")))


def about_the_branch_before(tracker: Tracker, key: str) -> FaqFirst | None:
    """The action that answers this FAQ entry live (the library's hours, its address) for
    the branch the previous answer was about ("那周中通常几点闭馆" after a branch's address:
    that branch's hours, not the main library's timetable). Not the children's library's own
    entry, which is about that library, nor a question about the past (the FAQ's)."""
    earlier = previous(tracker, "hours", "location")
    if (earlier is None or not earlier.get("branch") or not key.startswith(("hours-", "location-"))
            or asks_of_the_past(tracker.latest_message.get("text", ""))):
        return None
    return live_action_for(key)


def live_action_for(key: str) -> FaqFirst | None:
    """The action that answers this FAQ entry live (the hours, the address), if any."""
    return next((action() for action in (ActionOpeningHours, ActionLocation)
                 if key in action.answers_live), None)


LibraryAction.replies_to_previous += [(follows_a_visit_answer, ActionOpeningHours),
                                 (visit_on_a_day, ActionOpeningHours),
                                 (follows_a_place_answer, ActionLocation),
                                 (asks_where_it_is, ActionLocation),
                                 (asks_when_it_opens, ActionOpeningHours)]
