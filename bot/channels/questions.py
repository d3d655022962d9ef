"""Several questions in one message ("几点关门？坐几号线", "办证多少钱，一次能借几本")
are answered one by one: the guard passes each to Rasa as its own turn.

A message is cut after sentence-ending punctuation (？！。；) and at a comma or a space
between two clauses that both ask something (a question word or particle on each side). A clause
that asks nothing ("我第一次来南京。") stays with the question after it, so rambling
context does not become a turn of its own. Titles in 《》 are never cut (they may hold
any punctuation). A question about several titles ("有没有《草房子》和《城南旧事》") is asked
once per title, and a request for a title ("帮我预约《平凡的世界》，另外今天开到几点")
counts as a question, as does any request followed by a question turned to with 另外,
顺便, 对了 … ("想借个研讨间，顺便问下周日开不开"), a request to be told something
("…？线路图发我一份"), one for one more search ("…在架吗 也找找…") and, after a
question, a sentence offering the alternative
("能用我的证吗？还是得单独办少儿证"; within one sentence the alternative stays with its
question: "自己去行不行，还是得大人跟着"), or another matter turned to after a question
("卡掉了咋补办？另外登录密码也忘记了"). One question asked of several things
("办证和续借分别怎么弄") is asked of each. Buttons' payloads ("/…") and
messages with more than MAX_QUESTIONS questions are left whole.
"""

from __future__ import annotations

import re

from bot.booking_words import SPACE_WORDS
from bot.card_numbers import CARD
from bot.question_words import ASKS, NOT_YET_ASKED

MAX_QUESTIONS = 3
#: metadata key marking a question cut from the message of the turn before (its second
#: or third question): actions read the answers to all of a message's questions as the
#: previous answer ("有《鼠疫》吗？能续借几次" then "那就帮我约这本")
CONTINUES_MESSAGE = "continues_message"
_SENTENCES = re.compile(r"(?<=[？?！!。；;])")
_CLAUSES = re.compile(r"(?<=[，,\s])")
CJK = re.compile(r"[\u4e00-\u9fff]")
#: a title in 《》 (never cut; other modules leave it out of what they read)
QUOTED_TITLE = re.compile(r"《[^》]*》")
_HIDDEN = "\ue000"  # a private-use character standing for a title while cutting


#: a request for a book ("帮我预约《平凡的世界》") is a question of its own too, when
#: what follows turns to something else ("另外今天开到几点", not "可以在江宁馆取吗")
REQUESTS = re.compile(r"帮我|给我|替我|我要|我想|想[借约订办]|麻烦|预约|预定|"
                      r"查一下|查查|找一下|找找|搜一下")
#: ... but asking to ask is no request ("我想问一下，另外…")
_ASKING_TO_ASK = re.compile(r"问|请教|咨询")
_TURNS_TO_ANOTHER = re.compile(r"\s*(另外|还有|顺便|再问|还想问|对了|另)")
#: ... of which these never go on with the same subject ("想借三体，还有吗" does)
_TURNS_AWAY = re.compile(r"\s*(另外|顺便|再问|还想问|对了)")
#: words that only turn to the question after them ("另外馆里能拍照吗", "对了，书服到家是
#:干嘛的"): left out of what Rasa reads (not 还有, which may ask: "还有三体吗")
_CONNECTIVE = re.compile(r"^\s*(另外|顺便([再在]?[问说讲]一?下|问问)?|[再在]问一?下|"
                         r"还想问(一下|问)?|对了)"
                         r"[，,、:：\s]*(?=[\u4e00-\u9fff\w]{2})")
#: what is asked of each title alike (not "哪本好看")
_FOR_EACH_TITLE = re.compile(f"有没有|有{_HIDDEN}.{{0,40}}[吗么]|在架|借|预约|预定|查")
#: several titles asked about together ("有没有《草房子》和《城南旧事》")
_TITLES_TOGETHER = re.compile(f"{_HIDDEN}(?:\\s*(?:和|与|跟|及|以及|还有|、|，|,)\\s*{_HIDDEN})+")


#: asking to be told something ("线路图发我一份", "官网告诉我", "官网给一下", "电话给(我)一个"):
#: a question, when it names what ("麻烦跟我说一下" names nothing); a question may follow it
#: (not a place asked for: "名额给我一个")
_GIVEN = r"(电话|号码|方式|地址|网址|链接|二维码|书单|清单|目录)"
_TELL_ME = re.compile(r"发(给)?我|告诉我|给我(发|说|讲)|(说|讲|介绍|发)一下|"
                      r"给(我|一下)[吧呗哈啊。！!~～，,\s]*$|"
                      f"{_GIVEN}给我?(一个|一份|个)[吧呗哈啊。！!~～，,\\s]*$|"
                      # ... or given, of something named ("给个某馆的电话"; not "给个电话",
                      # which is of what the question before names)
                      f"给我?(一个|一份|个)(?=[^，,。？?！!\\s]{{2,12}}{_GIVEN}"
                      r"[吧呗哈啊。！!~～，,\s]*$)")
_TELL_ME_FILLER = re.compile(r"把|请|麻烦|您|你|帮|能|可以|一下|吧|哈|呗|[跟和给同]?我|"
                             r"顺便|另外|对了|再")
#: a sentence that offers the other of two alternatives ("能用我的证吗？还是得单独办"):
#: a question of its own after a question
_ALTERNATIVE = re.compile(r"^\s*(还是|或者)")


#: a clause that asks for one more search ("也找找…", "顺便搜一下…")
_ONE_MORE_SEARCH = re.compile(r"^\s*(再|也|顺便)(帮我|给我|替我)?(查|找|搜)(?!.*(不到|没|过了))")


#: a plan told, ending in 呢 ("周六还打算过去呢"): no question of its own, but the
#: context of the question before it
_PLAN = re.compile(r"(想|打算|准备|计划)[^，,。？?]{0,10}呢[\s。.！!~～]*$")
_FINAL_NE = re.compile(r"呢[\s。.！!~～]*$")


def _tells_a_plan(clause: str) -> bool:
    return bool(_PLAN.search(clause)) and not ASKS.search(_FINAL_NE.sub("", clause))


#: a mishap told, which asks for help as a question does ("…另外密码也忘记了")
_MISHAP = re.compile(r"忘|丢|坏|不见|找不到|想不起|记不得|记不清|过期|停用|锁")
#: ... not a remark about oneself ("对了，我是第一次来")
_ABOUT_ONESELF = re.compile(r"^\s*(另外|顺便|对了)?[，,\s]*我是")


def _another_matter(clause: str) -> bool:
    """A mishap turned to with 另外, 还有, 对了 … after a question: a question of its own."""
    return bool(_TURNS_TO_ANOTHER.match(clause) and _MISHAP.search(clause)
                and not _ABOUT_ONESELF.match(clause))


_NOT_YET = re.compile(NOT_YET_ASKED)
#: a space or a seat asked for ("要占一间研讨间") after a question: a request of its own
_SPACE_OR_SEAT = re.compile(f"{SPACE_WORDS.pattern}|座|位")
_BOOKS_A_SPACE = re.compile(f"(想|要|帮我|给我)(约|订|预约|预定|占|借)[^，,。？?]{{0,4}}"
                            f"({_SPACE_OR_SEAT.pattern})")


#: a sign-up asked for, naming what for ("想替外孙报那个手工坊", "帮我报名那场讲座")
_SIGNS_UP = re.compile(r"(想|要|帮我|给我|替我)([给替帮][^，,。？?\s]{1,3})?"
                       r"(报名|报个|报一?场|报那|报这|参加)[^，,。？?！!\s]{2,}")
#: ... not a question of how ("要报名还是到场就行")
_OR_ELSE = re.compile(r"还是|或者")


def _request_after_a_question(earlier: str, clause: str) -> bool:
    """A request that stands as a question of its own after one: a space asked for after a
    question about the doors ("…开门吗 要占一间研讨间"; not after a question about the
    space, its fee or its free times, which it is the subject of), a sign-up after a
    question ("那个系列办些啥 想替外孙报那个手工坊"), or a request turned to ("…放几天 顺便
    替我预约某书")."""
    return bool((_BOOKS_A_SPACE.search(clause) and _OPENS.search(earlier)
                 and not _SPACE_OR_SEAT.search(earlier))
                or (_SIGNS_UP.search(clause) and not ASKS.search(clause)
                    and not _OR_ELSE.search(clause))
                or (_TURNS_AWAY.match(clause) and _requests(clause)))


def _asks_outright(clause: str) -> bool:
    return bool(ASKS.search(clause) or _NOT_YET.search(clause))


def _asks(clause: str) -> bool:
    return ((_asks_outright(clause) and not _tells_a_plan(clause))
            or _requests_a_title(clause) or _tells(clause)
            or bool(_ONE_MORE_SEARCH.match(clause))) and len(CJK.findall(clause)) >= 2


def _tells(clause: str) -> bool:
    """Whether the clause asks to be told something it names."""
    if not _TELL_ME.search(clause):
        return False
    named = _TELL_ME_FILLER.sub("", _TELL_ME.sub("", clause))
    return len(CJK.findall(named)) >= 2


def _requests_a_title(clause: str) -> bool:
    return _HIDDEN in clause and bool(REQUESTS.search(clause))


#: whether the place asked before is easy to find or reach ("…在什么地方上 远不远"):
#: the same question
_EASY_TO_FIND = re.compile(r"^\s*(那|是不是)?(好不好找|好找[吗么不伐]|难不难找|难找[吗么不伐]|"
                           r"远不远|远[吗么不伐]|近不近|方便[吗么不伐]|方不方便)[\s？?。！!]*$")
_PLACE_ASKED = re.compile(r"在哪|哪个地方|什么地方|地址|位置|怎么走|怎么去|几楼|哪块")
#: an errand the reader means to run ("旧书想捐", "要先挂失"; not "要送孩子上课", "打算退休
#: 后常来"): a request for how, when a question turned to with 另外, 顺便 … follows it
_ERRAND_MEANT = re.compile(r"(想|要先?|得先?|打算|准备)(捐|送给?(馆|图书馆|你们)|赠|挂失|补办|"
                           r"退(卡|证|押金)|荐购)")


#: the day or place of a clause before, pointed back at ("那天几点开门")
_DAY_POINTED_BACK = re.compile(r"那天|那日|当天|到时|那时|那边|那儿")


def _errand_before_hours(clause: str, after: str) -> bool:
    """An errand the reader means to run told before a question of the hours ("旧杂志要捐
    周五拿过去 当天几点开"): how the errand is run is asked too."""
    return bool(_ERRAND_MEANT.search(clause) and not _asks(clause)
                and _asks(after) and _OPENS.search(after))


def _requests(clause: str) -> bool:
    """A request of its own ("想预约个研讨间", "旧画报想捐") when a question turned to with
    另外, 顺便 … follows it."""
    return bool(REQUESTS.search(clause) or _ERRAND_MEANT.search(clause)) \
        and not _ASKING_TO_ASK.search(clause) and len(CJK.findall(clause)) >= 2


#: the hours of what the clause before asks is open ("周日建邺馆开不开 几点到几点"), or of
#: the place or day it names ("周五下班赶去某区馆赶得上吗，几点关门"): the same question,
#: not one of its own
_SAME_HOURS = re.compile(r"^\s*(那|是)?(从?几点(到|至|开到|关到)?几点|几点(关门?|闭馆|开门?|下班)|"
                         r"(开|营业)到几点)[吗呢啊？?。]*\s*$")
_OPENS = re.compile(r"开|营业|关门|闭馆|休息|休馆|上班|值班|有人|照常|进馆|能去|赶得?上|来得及|"
                    r"赶得及|进得去")
#: how what was just asked about is reckoned, or what to do about it ("…要赔吗，怎么算",
#: "…撕了几页，咋办"): the same question
_HOW_RECKONED = re.compile(r"^\s*(那|又)?(是)?(怎么|如何|咋)(算|计算|收|扣|赔|弄|办|整|处理)"
                           r"(的|呢|啊)?[吗呢啊？?。!！]*\s*$")


#: ... or what an errand asked about takes ("…可以请人代办吗，得准备啥"): the same question
_WHAT_IT_TAKES = re.compile(r"^\s*(那|还|都)?(需要|要|得)(带|准备|提供|交|拿)(些)?(啥|什么|哪些)"
                            r"(东西|材料|证件)?[吗呢啊？?。!！]*\s*$")
_ERRAND = re.compile(r"办|申请|注册|报名|挂失|补")
#: ... unless the clause before asks what the errand costs ("补证收费吗 得拿些什么材料"):
#: what it costs and what to bring are two questions
_COST = re.compile(r"押金|钱|费")


#: what the clause before spoke of, pointed back at ("…是怎么来的 这类书有吗"): the
#: same question
_POINTS_BACK = re.compile(r"^\s*(有没有|有)?[这那]一?(类|种|方面)的?(书|绘本|小说|资料)")


#: ... or named first ("自习室要订一个")
_SPACE_TO_BOOK = re.compile(f"({SPACE_WORDS.pattern})[^，,。？?]{{0,4}}"
                            f"(想|要)(约|订|预约|预定|占|借)")
#: what a question after a space asked for asks of the booking itself ("要订一间研讨间 周六上午
#: 还空吗", "…怎么约", "…收费吗"): the same request, not a question of its own
_OF_THE_BOOKING = re.compile(r"约|订|空|时段|时间|几点|天|周|礼拜|星期|上午|下午|晚上|怎么|咋|如何|"
                             r"钱|费|多久|多长|人|容纳|取消|规则|要求|条件|哪|能不能用|可以用|"
                             r"今晚|明早|早上|中午|提前|押金|证|"
                             # ... or what booking takes ("需要什么手续", "要先注册吗")
                             r"手续|流程|材料|带(什么|啥|哪些)|[要得]带|实名|注册|登记|审|注意|学生|预约|"
                             r"申请|"
                             # ... or where ("另一个馆有吗")
                             r"馆|那边|这边|间|室|座|位")
#: what a question says besides asking ("可以吗", "行不行" ask of the request itself)
_ASKING_ONLY = re.compile(f"{ASKS.pattern}|还|那|这个|行|好|呀|啊|吧|[\\s，,。？?！!]")


#: a sign-up asked for ("某讲座替我报一下名"; not 报名费)
_SIGN_UP_ASKED = re.compile(r"报(个|一下|一个)?名(?!费)")
#: ... and what is asked of the event itself, which stays with it (its time, its places
#: left, where it is: "帮我报个名 几点开始")
_OF_THE_EVENT = re.compile(r"几点|时间|开始|结束|名额|还有|满了|在哪|几楼|地点|多久|多长|哪天|"
                           r"什么时候")


def _question_after_a_request(earlier: str, later: str) -> bool:
    """A question after a space or a sign-up asked for ("要订一间研讨间 里头能喝水吗",
    "某讲座替我报一下名 要自带纸笔吗"): the request and the question are two — unless it
    asks about the booking itself (its times, how it is made)."""
    space = _BOOKS_A_SPACE.search(earlier) or _SPACE_TO_BOOK.search(earlier)
    sign_up = _SIGN_UP_ASKED.search(earlier) and REQUESTS.search(earlier)
    return bool(((space and not _OF_THE_BOOKING.search(later))
                 or (sign_up and not _OF_THE_EVENT.search(later)))
                and not ASKS.search(earlier) and _asks(later)
                and len(CJK.findall(_ASKING_ONLY.sub("", later))) >= 2)


def _cut_between(earlier: str, later: str) -> bool:
    """Whether two clauses are two questions."""
    if _asks(earlier) and (_request_after_a_question(earlier, later)
                           or (_another_matter(later) and len(CJK.findall(later)) >= 4)):
        return True
    if _question_after_a_request(earlier, later):
        return True
    if not _asks(later) or (_SAME_HOURS.match(later) and _OPENS.search(earlier)) \
            or (_EASY_TO_FIND.match(later) and _PLACE_ASKED.search(earlier)) \
            or _POINTS_BACK.search(later) \
            or _HOW_RECKONED.match(later) \
            or (_WHAT_IT_TAKES.match(later) and _ERRAND.search(earlier)
                and not _COST.search(earlier)):
        return False
    if _asks(earlier):
        return bool(_asks_outright(earlier) or _tells(earlier) or _TURNS_TO_ANOTHER.match(later))
    return (_requests(earlier) and bool(_TURNS_AWAY.match(later))) \
        or _errand_before_hours(earlier, later)


def _one_per_title(question: str) -> list[str]:
    """"有没有□和□" as "有没有□", "有没有□" (□: a title in 《》, hidden while cutting)."""
    together = _TITLES_TOGETHER.search(question)
    if together is None or not _FOR_EACH_TITLE.search(question):
        return [question]
    count = together.group().count(_HIDDEN)
    if question.count(_HIDDEN) != count:  # another title elsewhere: left whole
        return [question]
    return [question[:together.start()] + _HIDDEN + question[together.end():]] * count


def _pieces(text: str) -> list[str]:
    pieces = []
    for sentence in _SENTENCES.split(text):
        clauses = [c for c in _CLAUSES.split(sentence) if c.strip()]
        current = ""
        for clause in clauses:
            if current and _cut_between(current, clause):
                pieces.append(current)
                current = ""
            current += clause
        if current.strip():
            pieces.append(current)
    return pieces


def split_questions(text: str) -> list[str]:
    """The questions of a message, in order (the message itself if it has one), each
    without the words that turn to it."""
    if text.startswith("/") or CARD.search(text):
        # a card number makes the message one personal request ("JL… 书哪天还，欠费吗"):
        # cut in two, each part would start its own verification
        return [text]
    return [_CONNECTIVE.sub("", question) for question in _questions(text)]


#: one question asked of each of several things named before it ("想捐旧书，另外想荐购
#:新书，分别怎么弄", "办证和续借各自要带什么")
_ASKED_OF_EACH = re.compile(r"[，,\s]*(?:分别|各自)(?P<asked>[^，,。；;？?！!]{2,})[？?。！!]*\s*$")
#: the things named before, pointed back at ("这两件事", "这几样"): no thing of their own
_THESE = re.compile(r"^\s*[这那](两|几|些)")
_THINGS = re.compile(r"[，,、；;]+|(?<=[\u4e00-\u9fff])(?:和|跟|与|以及|还有)(?=[\u4e00-\u9fff])")


def _asked_of_each(text: str) -> list[str]:
    """"A，另外B，分别怎么弄" as "A，怎么弄", "B，怎么弄" (nothing when it is not that)."""
    each = _ASKED_OF_EACH.search(text)
    if each is None or QUOTED_TITLE.search(text):
        return []
    things = [thing for thing in _THINGS.split(text[:each.start()])
              if len(CJK.findall(thing)) >= 2 and not _THESE.match(thing)]
    if not 1 < len(things) <= MAX_QUESTIONS:
        return []
    return [f"{thing.strip()}，{each.group('asked')}" for thing in things]


def _questions(text: str) -> list[str]:
    if each := _asked_of_each(text):
        return each
    titles = QUOTED_TITLE.findall(text)
    questions: list[str] = []
    context = ""
    pieces = _pieces(QUOTED_TITLE.sub(_HIDDEN, text))
    for piece, after in zip(pieces, [*pieces[1:], ""], strict=True):
        if _asks(piece) or (_requests(piece) and _TURNS_AWAY.match(after)) \
                or _question_after_a_request(piece, after) or (
                questions and not context and len(CJK.findall(piece)) >= 4
                and (_ALTERNATIVE.match(piece) or _another_matter(piece)
                     or _request_after_a_question(questions[-1], piece))):
            questions.append((context + piece).strip())
            context = ""
        elif _errand_before_hours(piece, after):
            # asked of on its own, and still the day an hours question points back at
            questions.append((context + piece).strip())
            context = context + piece if _DAY_POINTED_BACK.search(after) else ""
        else:
            context += piece
    if context.strip():
        if not questions:
            return [text]
        questions[-1] += context
    questions = [one for question in questions for one in _one_per_title(question)]
    if not 1 < len(questions) <= MAX_QUESTIONS:
        return [text]
    shown = iter(titles)
    return [re.sub(_HIDDEN, lambda _match: next(shown), q.strip(" ，,。；;") or q)
            for q in questions]
