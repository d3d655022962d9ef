"""The words that name a space's booking or an event's sign-up rather than a book's
hold ("取消我的场地预约"): one definition for the NLU signals and the actions, in a
module light enough for the action server to import."""

from __future__ import annotations

import re

from bot.question_words import clauses

SPACE_WORDS = re.compile(r"场地|座位|研讨|研修|自习|空间|房间|直播间|培训区")
#: (培训 of a training, not the 培训区, a space)
EVENT_WORDS = re.compile(r"活动|报名|讲座|讲坛|诗会|故事会|手工|培训(?!区)")
#: what something costs ("讲坛那场收不收钱")
FEE = re.compile(r"收费|收不收|收钱|要钱|交钱|花钱|掏钱|多少钱|免费|[交付缴].{0,3}费")
BOOKED = re.compile(f"{SPACE_WORDS.pattern}|{EVENT_WORDS.pattern}")
#: cancelling ("取消", "撤掉", "不去了"): a hold, a booking or a sign-up
CANCEL = re.compile(r"取消|撤掉|撤销|不去了")
#: the coming occurrences of something ("下一期金图讲坛讲什么", "这个月有讲座吗"): what the
#: live list of events tells, not the FAQ's description of a series
UPCOMING = re.compile(r"接下来(?![要该得需做干怎咋])|下一期|下期|下一场|下场|下次|下回|这期|本期|"
                      r"这个月|本月|近期|最近|这周|这阵子?|这段时间|这些天|这几天|近来|"
                      r"本周|下周|(下|这|本)个?(礼拜|星期)(?![一二三四五六日天])|"
                      r"(哪天|什么时候|啥时候|几号)(有|办|举办|开始)")
#: a month named without a day ("十二月份", "月底", "下个月"): the coming events only beside
#: an event's words (not "亲戚下个月到访…", which asks nothing of events)
MONTH_AHEAD = re.compile(r"月底|月初|下个?月|(?<![\d一二三四五六七八九十])(1[0-2]|[1-9]|十[一二]?|"
                         r"[一二三四五六七八九])月份?(?![\d一二三四五六七八九十]*[号日])")
#: asking whether or how a space can be booked ("还能约吗", "怎么预约"), not whether it
#: must be ("要预约吗")
CAN_BOOK = re.compile(r"(能|可以|还能|怎么|在哪)(在网上|在线|网上)?(预约|预定|预订|约|订|占)")
#: whether seats are left ("还剩空座伐", "有没有空位"): the free slots asked for
SEATS_LEFT = re.compile(r"(还有|有没有|有无|还剩)空?的?(位子|位置|座位|座|空位|空座)|"
                        r"有(空|空位|位子|座位)(伐|吗|不|没)")
#: signing someone else up, which is the request itself ("替娃报周日那场故事会")
#: the people a reader signs up besides themselves: family, a friend
FOR_WHOM = ("她|他|娃|孩子|小孩|儿子|女儿|闺女|宝宝|外?孙子|外?孙女|外甥女?|侄子|侄女|老人|"
            "爸爸?|妈妈?|老公|老婆|爱人|朋友|同学")
SIGNS_UP_FOR_SOMEONE = re.compile(f"(给|帮|替)我?(家)?({FOR_WHOM})报(?![销失告纸案修了过])"
                                  f"(?=.{{0,12}}({EVENT_WORDS.pattern}))")
#: a place asked to be kept, ending a message ("替我占一个"): a sign-up where an event
#: was named just before it (see keeps_a_place_at_an_event)
KEEPS_A_PLACE = re.compile(r"^(那就|那|就|麻烦|请)?(帮我|给我|替我)也?(占|留)(一个|个|一)"
                           r"(位置?|位子|名额)?"
                           r"[吧呗哈]?\W*$")
#: ... not a book, a seat, a room or a parking space spoken of before it
NOT_AN_EVENTS_PLACE = re.compile(r"书|教材|车位|停车|柜|(?<!讲)座|阅览|室|厅|材料|礼品|纪念|资料|"
                                 f"讲义|册|{SPACE_WORDS.pattern}")
#: ... and the clause before asks about the event's places ("人满了没", "还剩位置吗")
ASKS_ABOUT_PLACES = re.compile(r"满|空位?|位置|位子|名额|还能(报|去|参加)|剩")


def keeps_a_place_at_an_event(text: str) -> bool:
    """"某讲座人满了没，给我留一个", "报某日那场讲座 替我占一个": the last clause asks for
    a place to be kept, the clause before it names an event and asks about its places or
    to be signed up, and nothing before speaks of a book or a seat ("讲座那天停车位紧张吗，
    帮我留一个" is none)."""
    parts = clauses(text)
    return (len(parts) >= 2 and KEEPS_A_PLACE.match(parts[-1]) is not None
            and EVENT_WORDS.search(parts[-2]) is not None
            and (ASKS_ABOUT_PLACES.search(parts[-2]) or SIGNS_UP.search(parts[-2])) is not None
            and not NOT_AN_EVENTS_PLACE.search(" ".join(parts[:-1])))
#: asking to be signed up ("报名冬日诗会", "金图讲坛给我报个名", "手工坊帮孩子报一个",
#: "给我留个名额", "算我一个", "那场还能报吗", "…我想参加"; not 报个失, 留个位子, 能报销吗)
SIGNS_UP = re.compile(r"报名|报个名|报下名|报一个(?![失修案])|报上|报一下|(占|留)(个|一个)?名额|"
                      # "想报下周那个读者培训"
                      f"(?<![不没])想报(?![销失告纸案修了过警考备])"
                      f"(?=[^，,。？?！!\\s]{{0,12}}({EVENT_WORDS.pattern}|期|场))|"
                      r"算(我|上我)?(个|一个)名额(?![还吗么呢])|算我一个(?![人月])|"
                      f"(我想|我要|想去|我也想)参加(?=.{{0,8}}({EVENT_WORDS.pattern}|期|场)|"
                      r"[\s，,。!！~]*($|卡号|证号|[Jj][Ll]\d))|"
                      r"(能|可以)报(?=[吗么嘛不没呀啊\s？?，,。]|$)|"
                      # "…那个课我想报" at the end (not 报销, 报失)
                      r"(我想|我要|我也想|帮我|给我)报(?=(这个|那个|这场|那场)?[吧了啊呀\s，,。!！~]*$)|"
                      f"{SIGNS_UP_FOR_SOMEONE.pattern}|"
                      f"报个(?=.{{0,6}}({EVENT_WORDS.pattern}|课))|"
                      # "报某日那个培训", also after the card number ("JL…报某讲座")
                      r"(?:^|(?<=[\s，,。!！~\d]))报(?![销失告纸刊案修了过警考备到道的没错完])"
                      f"(?=[^，,。？?！!\\s]{{0,14}}({EVENT_WORDS.pattern}))")
