"""High-precision signals in what readers type, applied after DIET in the NLU pipeline
(config.yml): where one is present, it decides the intent or adds the entity the
statistical model missed.

- an ISBN (10 or 13 digits, hyphens or spaces allowed, with or without "ISBN") is a
  catalogue search — or a hold when the reader asks to reserve it;
- a volume alone ("第三部呢") is a search (of the previous title) or a hold;
- a title in 《》 is a search unless the reader asks to reserve it ("请问有《X》吗" is
  a search, not a hold) — and a hold only when they do; asking the library to buy it
  ("希望馆里进一本《X》") is a question about suggesting purchases;
- asking for a person ("有真人吗", "转人工") is a handoff;
- punctuation alone, or pictures DIET does not take for small talk, say nothing: the
  fallback (asked to rephrase);
- a reader-card number in the message asks for the reader's own holds (unless it asks
  to cancel, sign up or renew, which DIET decides);
- DIET's book intents follow the reserve words: a hold without them is a search
  ("挪威森林"), a search with them a hold ("预定一下人间失格");
- asking whether or how a space can be booked ("自习室还能约吗") offers its free slots;
- a name and its works alone ("霍金写的") is a search by author, whatever DIET made of it;
- a rule question that asks about the reader's own account ("我有逾期没还的书吗") is
  that account request;
- hours or places of a branch the message names, and a visit at a time of day
  ("晚上十点还能去看书吧"), where DIET was unsure;
- cancelling a space or an event ("取消我的场地预约") cancels a booking, not a hold;
- a branch named by any alias in knowledge/library/branches.yml becomes the `branch`
  entity (replacing DIET's, whose spans are often off by a character or two).

Messages that start with "/" (buttons, the channel guard) are left alone. The component
has no trained state, so changing it needs no retraining.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.booking_words import (
    BOOKED,
    CAN_BOOK,
    CANCEL,
    EVENT_WORDS,
    FEE,
    MONTH_AHEAD,
    SEATS_LEFT,
    SIGNS_UP,
    SIGNS_UP_FOR_SOMEONE,
    SPACE_WORDS,
    UPCOMING,
    keeps_a_place_at_an_event,
)
from bot.branches import OTHER_LIBRARY, branch_aliases, branches, place_name
from bot.card_numbers import CARD, CARD_GIVEN
from bot.question_words import (
    ACCOUNT_OR_RULE,
    ASKS,
    ASKS_TO_RESERVE,
    BORROWED,
    GUESSED,
    HOLD_RULE,
    I_BORROWED,
    IN_CHARGE_ASKED,
    MY_ACCOUNT,
    NAMES_EXAMPLES,
    OPENING,
    OWES,
    OWN_LOAN,
    PART_OF_DAY,
    PICKS_UP,
    SUPPOSES,
    WHERE,
    asks_after_a_hold,
    clauses,
    wants_a_book,
)
from bot.services.catalogue_query import NAME_FORGOTTEN, asks_for_a_volume
from bot.services.faq_retrieval import cjk_length
from bot.services.search_text import ISBN_IN_TEXT, normalise
from bot.title_names import half_called

TITLE = re.compile(r"《([^》]{1,60})》")
RESERVE = re.compile(r"预约|预定|预订|预留|预借|帮我留|给我留|想约|"
                     # one more hold besides those placed ("再加一本某书")
                     r"再(加|添)一本(?![书的不吗话呢么])(?=[\u4e00-\u9fffA-Za-z《])|"
                     r"(帮|给|替)[我他她]约(?!.{0,3}(馆员|工作人员|时间|参观|进馆))|"
                     r"(帮我|给我|我要|我想|想)订(?!阅)|约[一这那]?[本套下](?!午)|(能|可以)约(?![定好])|"
                     # a clause that starts with 约 ("证号…，约《X》，…", "还是先约某书吧",
                     # "那就约python那本";
                     # not 约好, 约定, 约稿, 约翰·克利斯朵夫)
                     r"(?:^|[,;。\s])约(?![会好定了过的稿翰瑟])(?=[\u4e00-\u9fff《])|"
                     # ... or after 先, 还是, 那就: a book, not a day or a time, nor a hold
                     # that failed ("还是约不上")
                     r"(?:先|还是|那就)约(?![会好定了过的稿翰瑟不满上周礼星明今后个时])"
                     r"(?=[\u4e00-\u9fffA-Za-z《])")
RENEWS = re.compile(r"续借|再续|续一|续期|续上|续个|续到")
#: asking the library to buy a book ("建议馆里进一本《X》", "《X》能不能采购")
SUGGESTS_PURCHASE = re.compile(r"荐购|采购|(建议|推荐|希望|想让).{0,8}(买|购|进(一|几|这))")
#: a hold already placed ("预约的书", "约了几本")
PLACED = re.compile(r"(预约|预定|约)(的|了|过)|我的预约")
#: ... not a hold asked for with 把 ("把那本也预约上"), nor "帮我约了" ending a clause (do
#: reserve it; not "帮我约了的那本", "帮我约了一本…到了没", "帮我约了吗")
PLACES = re.compile(r"把[^，,。？?！!]{1,15}(预约|预定|约)(了|上|一下)|"
                    r"(帮我|给我|替我)(预约|预定|预订|约)了(?=[吧啊呀]*(?:[\s，,。！!~～]|$))")
#: another title to hold instead, picked up somewhere ("换成某书吧，还在河西拿"): a hold
SWITCHES_HOLD = re.compile(r"^\W*(那|那就|就)?(换成|改成|改约|换一本)[^，,。？?！!]{2,}"
                           # ... at the same place as before ("还是少儿馆拿")
                           rf".*({PICKS_UP}|还是[^，,。？?！!\s]{{1,8}}[取领拿](?![消证卡]))")
#: ... not a day, a time or a way of delivery switched to ("改成周六吧，到总馆去取")
SWITCHES_ELSE = re.compile(r"周|礼拜|星期|号|[上下]午|晚上|早上|今天|明天|后天|快递|寄|不")
#: looking at the holds placed ("查一下预约", "一共预约了几本")
LOOKS_AT = re.compile(r"查|看看|看下|看一下|哪些|什么书|几本|列表|记录|"
                      r"(?<!系)列(出来|个清单|个单子|给我看)")
#: whether a book can be had ("围城还有得借没", "能借到不"): a search, whatever DIET made of 借
AVAILABLE = re.compile(r"有的借|有得借|借得到|能借到|借不借得到|可以借到|想借来看|借来看看")
#: ... but not about the reader's own books or quota ("我借来看的书哪天到期", "我还能借到几本")
NOT_AVAILABILITY = re.compile(r"我借|我还能|几本|几号|什么时候|到期|续|丢|坏")
#: DIET's intents for cancelling, and other words that drop a hold ("不要了", "删掉")
CANCEL_INTENTS = frozenset({"cancel_reservation", "cancel_booking"})
DROPS = re.compile(r"不要|不需要|不用|删|退(?!休|伍|役)|撤|别|算了|不约|不去|不想|不看|不借|"
                   r"不打算|作废|去不了|来不了|改天|改约|改到")
#: ... said of a book, to be done with it ("退掉", "不打算看了"), not of a card, a deposit
#: or what was done to it ("读者证退掉", "押金退了吧", "被取消了")
DROPS_IT = re.compile(r"(退|撤|删)掉|退了吧|不(想|打算)(看|借)了")
NOT_A_HOLD_DROPPED = re.compile(r"押金|读者证|借书证|退卡|办的卡|被")
#: ... a message DIET took for one that names a book instead ("边城 沈从文那本")
NAMES_A_BOOK = re.compile(r"那本|这本|写的|《")
#: a loan of the reader's, whose name is forgotten ("借过一本 书名忘了"): their loans, not a
#: book told of
LOAN_TOLD = re.compile(f"{I_BORROWED}|借过|借了")
#: a book on loan spoken of ("借的三本书", "借回来的绘本")
LOAN_NAMED = re.compile(BORROWED + r"[^，,。？?！!]{0,4}(书|[一两几\d]本(?!子)|绘本|杂志|光盘)")
#: what is cancelled: a hold, a booking, a sign-up (with DROPS and CANCEL, the words that
#: make a message a cancellation at all)
CANCELLED_THING = re.compile(r"约|预定|预订|订|排队|报名|活动|讲座|场|[讨书享诗]会|[间室座位]|去掉|"
                             r"划掉|拿掉|参加|来不成|去不成|不过来|不来了")
#: asking why something was cancelled ("那年的讲座怎么都取消了"), not to cancel it
WHY_CANCELLED = re.compile(r"(为什么|怎么|咋).{0,8}取消了")
ASKS_TO_CANCEL = re.compile(r"把|帮我|给我|替我|麻烦")
#: a question about a cancellation ("活动为什么都取消了"), not a request
ASKS_WHY = re.compile(r"为什么|怎么|吗|取消了")
#: a book spoken of as one ("那本绘本", "续集", "某作家写的")
BOOK_KIND = re.compile(r"(?<!图)书(?!馆)|绘本|小说|续集|[上下]集|那本|这本|写的|作品|回忆录|传记|"
                       r"散文集|诗集|文集")
#: (not "托馆员协助查…", a research request with a librarian's help)
PERSON = re.compile(r"真人|人工|活人|[找叫].{0,2}(馆员|工作人员|管理员)|请个(馆员|工作人员|管理员)|"
                    # ... a librarian asked to look into what was told before ("可否让馆员帮忙
                    # 查一查"; naming what to look up, it is a research request, as above)
                    r"(请|让|麻烦)个?(馆员|工作人员|管理员)帮(着|忙|我)?(查|找)(一下|一查|查|找|下)?"
                    r"(吗|吧|呢|好吗|行吗)?(?=[\s，,。？?！!]|$)|"
                    # ... a librarian who knows, called over ("请个内行的馆员来"; not a
                    # teacher invited to give a talk)
                    r"[找叫请]个[^，,。？?！!]{1,4}的(馆员|工作人员|管理员)"
                    r"(?=过来|来(?![讲上开教办])|吧|\W*$)")
#: the reader's own holds and sign-ups: what DIET says about them is left alone
OWN_REQUEST = re.compile(r"取消|撤掉|撤销|我的|我预约的|我约的|报名|续借")
#: the words that only give the card ("JL…是我的证", "我的证号JL…，登录一下"): with nothing
#: else, the card is given to verify by, as a card typed alone is
GIVES_THE_CARD = re.compile(r"(这|那)?是我的(读者|借书)?[证卡]号?码?|"
                            r"我的(读者|借书)?[证卡]?号?码?(是)?|证号|卡号|谢谢|多谢|"
                            r"(登录|登陆|登入|登)一?下|登录|登陆|登入|验证|帮我|麻烦|请|一下|"
                            r"就这个|这个|[吧了呀啊哈]")
#: the reader asks about their own account ...
OWN_ACCOUNT = re.compile(r"帮我(查|看|瞅|瞧|瞄|续|延)|给我(查|看)|查一下我|查查我|"
                         # a loan the reader wants to keep ("某书下周到期 想续上")
                         r"(?<![不没别])想再?续(一下|下|借|一续|上)"
                         r"(?![^，,。？?]{0,8}(的话|怎|咋|如何|规则|流程|手续|需要|要不要|能不能|吗))|"
                         # asked without 我, last, after what befell the card ("证刷不出来
                         # 是不是停了 给查一下")
                         r"[证卡][^。？?！!]*(?<!我)[帮给]查(一下|下|查)\W*$|"
                         r"我有(没有)?.{0,6}(吗|没)|我在.{1,3}欠(钱|费|款)|我的(读者|借书|借阅)?证|"
                         + I_BORROWED
                         + r"|我(现在|目前)?(还)?欠|[账帐]上.{0,4}欠|"
                         f"{MY_ACCOUNT.pattern}")
#: a loan kept longer in other words than renewing ("帮它延个两周", "借的几本都替我延长")
EXTENDS_A_LOAN = re.compile(r"(它|这本|那本|[这那]几本|借的|手[头上里]|《).{0,8}延(一|个|长|期|上)|"
                            r"延(一|个|长|期|上).{0,4}(它|这本|那本)")
#: ... not a fee, a consequence, an event or an opening put off ("借的书延期两天罚几块")
NO_LOAN_EXTENDED = re.compile(r"罚|钱|费|会|影响|讲座|活动|开放|开馆|闭馆")
#: when the reader's loans are due ("借的两本几号到期"), whatever DIET made of it
LOANS_DUE = re.compile(r"我.{0,6}" + BORROWED
                       + r".{0,8}(哪天|什么时候|啥时候|几号)(要|得|该)?(还|到期)")
#: a request asked as a question of whether the library can ("能否替我查查…", "可不可以
#: 帮我瞧瞧…"): asking for it, not how it is done
POLITE_REQUEST = re.compile(r"(能不能|能否|可不可以|可否|可以|能)(请你?|麻烦你?)?"
                            r"(帮我|给我|替我|帮忙)(查|看|瞧|瞅|找)")


def asks_how(plain: str) -> bool:
    """Whether the message asks how, or whether, something is done (HOW_TO), other than in
    the words of a polite request (and, after one, in any words: "能不能帮我看看怎么续借")."""
    rest = POLITE_REQUEST.sub(" ", plain)
    return HOW_TO.search(rest) is not None or (
        rest != plain and re.search(r"怎么|咋|如何", rest) is not None)


#: how to reach the library ("有邮箱吗，想把材料发过去"): the FAQ's, not a research request
#: ... unless the reader wants documents about them ("电话簿", "电话的历史文献")
RESEARCH_MATTER = re.compile(r"簿|史|文献|资料|档案")
#: asking whether the library collects something ("…也收吗", "收不收", "有没有收录"; not
#: 收到, 收费)
COLLECTS = re.compile(r"收(吗|么|没有?|藏吗)|收不收(?!费|钱)|有没有收(?![到费钱])")
#: ... unless the reader asks outright for the search ("替我找找…的资料")
ASKS_TO_SEARCH = re.compile(r"(帮|替|麻烦).{0,3}[查找搜]")
#: whether something may be photographed or copied ("古籍让不让拍几页"): a rule, not
#: research help ...
MAY_COPY = re.compile(r"(能|可以|让|准|允许|能不能|可不可以)[^，,。？?！!]{0,6}(拍|复印|扫描|翻拍)")
#: ... unless the copy is asked for ("可以给我复印一份…吗", "扫描一份发我邮箱")
COPY_ASKED = re.compile(r"帮|麻烦|给我|代我|替我|发我|寄|传给|发到")
#: whether the library has the book just named ("某书 这本书有没有", "某书这本借得到不")
THIS_BOOK_HELD = re.compile(r"这本书?\W*(你们|馆里|图书馆|金图)?"
                            r"(有吗|有没有|有么|有没|能借到|借得到)[吗么不没啊呀]*"
                            r"(?=[\s，,。.？?！!~～]|$)")
#: looking something up ("找一下某人的某书"), and the words of a space or a time to book
#: ("找一下空的研讨间"): without those, looking up is a search, not a booking
LOOKS_UP = re.compile(r"[找查搜]一?下|找找|查查|搜搜")
SPACE_OR_TIME = re.compile(f"{SPACE_WORDS.pattern}|座|位|时段|空[位闲的着座余房]|有空|[间室厅桌房]|"
                           r"点|[上下]午|晚上|[今明后]天|周|礼拜|星期|[号日](?![记报])")
_CONTACT_WAYS = r"(邮箱|e-?mail|电话|座机|联系方式)"
CONTACT = re.compile(f"(你们|贵馆|馆里|图书馆|金图|有没有|有).{{0,4}}{_CONTACT_WAYS}|"
                     f"{_CONTACT_WAYS}(是|多少|号码)", re.IGNORECASE)
#: ... not how a rule works ("我的证过期了还能借书吗", "我借的书可以续借几次")
HOW_TO = re.compile(r"怎么办|怎么处理|如何|怎样|能不能|可不可以|可以|能.{0,6}吗|为什么|几次|"
                    r"必要|可能|影响")
#: words of a hold
HOLD_WORDS = re.compile(r"约|预定|预订|订|排队|排着")
#: a hold named as such (not 订 of 订阅)
A_HOLD = re.compile(r"预约|预定|预订|约的|订的")
#: what they ask about, and the intent that shows it
ACCOUNT_TOPICS = [
    (re.compile(r"续借|续一下|续期|续了|一起续|都续"), "renew_loan"),
    (re.compile(r"预约|排着?队|在排队|我(预)?[约订]好的"), "list_reservations"),
    (re.compile(f"欠|滞纳金|罚款|罚了|罚多少|费用|冻结|过期|有效期|状态|正常|没交|补交|交的钱|"
                # what is wrong with the card ("卡刷不了，给我看一下这证出什么问题了")
                r"[证卡](?![上里][^，,。？?]{0,4}[书本])(?:(?!押金|挂失|补办|办卡|退卡)[^，,。？?]){0,6}"
                r"(不能用|用不了|出(了)?(啥|什么)问题|[怎咋]么?了|是何状况|啥情况|什么情况|"
                r"被停|停掉|停用了)|"
                # ... and the reader asks to look at it ("卡用不了 给我看下是否停用"; not
                # a thing of the library's: "帮我看看电子书怎么用不了")
                r"(帮我|给我|帮忙)(查|看|瞅|瞧)[一下看查瞅瞧]*"
                r"(?![^，,。？?]{0,6}(电子|数据库|知网|柜|机|网|资源|app|小程序|书))"
                r"[^，,。？?]{0,6}(被停|停用|停掉|冻结|刷不了|用不了|失效)|"
                f"{OWES.pattern}"), "ask_account"),
    (re.compile(r"逾期|超期|借的书|借了|在借|借着|到期|还书日期|该还|没还|手[上头里].{0,4}[书本]"),
     "list_loans"),
]
#: DIET's small-talk intents, which a message with a request's shape is not
SMALL_TALK = frozenset({"greet", "goodbye", "thank", "affirm", "deny", "bot_challenge"})
#: DIET's intents that a space and a booking verb override ("自习室能预约座位吗" is no
#: book's hold, "分馆研讨间怎么约" no branch's hours)
NOT_A_SPACE = frozenset({"place_reservation", "search_catalogue", "ask_opening_hours",
                         "ask_location"})
#: DIET's intents for what may be a request in words it did not learn
NOT_A_REQUEST = frozenset({"ask_policy", "ask_digital_resource", "ask_events",
                           "nlu_fallback", "out_of_scope"})
ASKS_TO_SIGN_UP = re.compile(f"(我要|(?<![不没太])想|帮我|帮(?!忙问|着看)|给我|替我|"
                             f"麻烦(?!问|请教|咨询|死))"
                             f".{{0,6}}({SIGNS_UP.pattern})|"
                             f"{SIGNS_UP_FOR_SOMEONE.pattern}")
#: a rule of events ("最近的讲座收费吗", "下次活动怎么报名"), the FAQ's (FEE: what it costs)
EVENT_RULE = re.compile(f"{HOW_TO.pattern}|{FEE.pattern}|怎么|在哪|规定|要求|要不要|截止|回放|"
                        r"几楼|哪个厅|哪里")
#: a name and its works, nothing else ("霍金写的", "莫言的小说有吗", "有钱穆的书吗", "钱穆
#:有哪些书"): a search by author
BY_AUTHOR = re.compile(r"^(有没有|有)?(?P<name>[^\W\d_]{2,8}?)"
                       # "X的书" only as "有X的书吗" (not "推荐的书呢")
                       r"(写的|著的|的作品|写过(哪些|什么|啥)?|有(什么|哪些|啥)(?=书|作品)|(?(1)的(?=书)|(?!)))"
                       r"(书|那本|那几本)?(有吗|有没有|有么|[吗么呢])?$")
#: ... nor "我的书", "谁写的", "图书馆的书", "最近有什么书"
NOT_AN_AUTHOR = re.compile(r"[我你您他她谁啥哪]|什么|图书馆|馆里|孩子|小孩|借|还|新|今天|最近|现在|"
                           f"这里|那里|{ACCOUNT_OR_RULE.pattern}")
#: DIET's intents for the reader's own lists, which "X写过什么书" is not
ACCOUNT_LISTS = frozenset({"list_loans", "list_reservations"})
#: the reader's sign-ups counted or listed ("我总共报过几场", "我报了哪几场"): the reader's
#: holds and bookings (not the people signed up: "报了几个人")
SIGN_UPS_ASKED = re.compile(r"我[^，,。？?！!\d]{0,6}报(了|过|名了)"
                            r"(几个|几场|哪几?[个场]|哪些|多少|什么|啥)(?![人位名家小])")
#: what else a name wrote ("某作家还写过什么 都列出来"), whatever follows: a search by author
WROTE_ELSE = re.compile(r"^(?P<name>[^\W\d_]{2,8}?)还写(过|了)(哪些|什么|啥|别的|其他)")
#: ... or besides one of them named ("某作家除了某书 另外还写过什么")
BESIDES_ONE_WORK = re.compile(r"^(?P<name>[^\W\d_]{2,8}?)(?:的书|写的)?除了[^\s，,。？?！!]{1,15}?"
                              r"(?:以外|之外)?[\s，,]*(?:还|另外|别的|其他|其它)"
                              r"[^，,。？?！!]{0,6}(?:写|书|作品|小说|散文|诗|集|著)")
#: a book told by who wrote it ("某学者写…的那本书", "某作家写的")
BOOK_OF_A_WRITER = re.compile(r"写[的过了]|写[^，,。？?！!]{2,20}?(的那本|那本|的书)")
#: ... not a book of an event ("读书会这期读的那本", "签售会")
BOOK_OF_AN_EVENT = re.compile(r"读书会|分享会|签售|共读|展览|沙龙|书会")
#: books on a topic ("讲黑洞的绘本", "关于城墙的书", "讲天文的还有哪些书"; not 讲座, 讲坛,
#: "关于借书的规定")
BOOKS_ON_A_TOPIC = re.compile(r"(?:(?<![听开办])讲(?![座坛课])|关于|有关)[^，,。？?\s]{2,16}的"
                              r"(?:书|绘本|小说|作品|纪实|传记|回忆录|散文|(?:还有)?哪[几些]本)")

#: ... asked for outright, when its topic holds a rule's word ("求推荐讲怎么…的书"; not
#: "能讲一下怎么处理超期的书吗", a request to explain)
ASKS_FOR_BOOKS = re.compile(r"推荐|有没有|有吗|找|想看|想读|哪些|哪几本")

#: DIET's intents that a named branch and hours or place words override
UNSURE_OF_BRANCH = SMALL_TALK | {"out_of_scope", "nlu_fallback", "ask_policy", "ask_location",
                                  "ask_opening_hours"}
BRANCH_HOURS = re.compile(f"{OPENING}|白跑|能去|(?<![展览])开到\\s*{PART_OF_DAY}?"
                          r"[几\d一二三四五六七八九十两]")
BRANCH_PLACE = re.compile(f"{WHERE}|从哪|哪个门|什么地方|什么位置|怎么去|怎么走|咋走|咋过去|路线|"
                          r"几号线|坐.{0,3}(地铁|公交|车)|"
                          # where the library is, guessed ("金图是在某某那一带吧"; not "储物柜
                          # 是在入口附近吗", "能停在门口旁边吗")
                          r"^(?:[^，,。？?！!]{0,8}?馆|金图|你们)(?:是|就|还)?在[^，,。？?！!]{1,8}"
                          r"(那一?带|附近|旁边|边上)[吧吗嘛]")
#: a book asked about ("少儿馆有小王子吗"; not 书 of 图书馆, nor 本 of 本周, 本馆 …)
ASKS_ABOUT_BOOKS = re.compile(r"(?<!图)书(?!馆)|本(?![周月馆人星礼次来地])|册|小说|作者|写的|借|《")
CLOCK_TIME = re.compile(r"[早晚]上|今晚|上午|下午|中午|[0-9一二三四五六七八九十两]+点")
#: a time gone by: a visit told of, not one to make
PAST = re.compile(r"昨天|前天|昨晚|上周|上个?礼拜|上个?星期|上个?月|去年|那天|那次|当时")
#: what one goes to the library to do, which asks for no book ("赶得上还书吧")
ERRANDS = re.compile(r"借书|还书|看书|借还书|借几本书")
#: a question about a visit says no more than this many Chinese characters
VISIT_LENGTH = 25
VISIT = re.compile(r"能去|去得了|来得及|来不及|赶得上|赶得及|赶不上|赶不及|还开|开着|开门|关门|"
                   r"看书|自习|能进|进得去|进馆|入馆|没问题")
#: what a place is for ("研讨间B拿来干什么用", "那块区域用来干啥"): no booking asked
WHAT_IT_IS_FOR = re.compile(r"(干嘛|干啥|干什么|做什么|做啥|搞什么|搞啥|办些?什么|办啥)(用)?的?"
                            r"[吗呢啊呀？?。]*(?=[\s，,]|$)|有什么用|是什么地方|用来")
NO_TIME_ASKED = re.compile(r"空位|空闲|有位|有空|还有|几点|时段")
BOOKS_A_SPACE = re.compile(r"约|订|预定|预订|占|抢|座|留|要|申请|空位|空闲|有位|研讨|直播间|场地|"
                           r"房间")
#: staff named in a question about a rule ("还是得找馆员帮忙拿", "会不会被管理员说",
#: "被管理员凶了…向谁反映", a clause beginning with 得: "书在库房 得请管理员取吧"): no
#: request for a person ("算了 找馆员吧" is one)
STAFF_IN_A_RULE = re.compile(r"((还是|是不是|是否|要不要|需不需要|会不会|不会)[得要]?|"
                             r"(?:(?<=[\s，,])|^)[都也还]?[得要])"
                             r"(找|被|让|请|叫)[^，,。？?！!]{0,2}(馆员|工作人员|管理员)|"
                             r"被[^，,。？?！!]{0,4}(馆员|工作人员|管理员)")


#: a member of staff to be praised ("想表扬那位馆员 怎么办", "怎么表扬"): the FAQ's way to say so
PRAISES = re.compile(r"夸|表扬|点赞|感谢信|锦旗")
#: ... asked how or where
HOW_OR_WHERE = re.compile(r"怎么|咋|如何|哪里|在哪")
#: whom a complaint goes to, asked ("找谁反映", "在哪投诉"): the FAQ's way to complain
WHOM_TO_TELL = re.compile(r"(找|向|跟|和|给)谁(反映|投诉|举报|提意见)|"
                          r"(怎么|如何|去哪|在哪|哪里|上哪)(能|可以)?(投诉|反映|举报)")
#: ... unless a person is named all the same ("在哪投诉 我要找真人")
A_PERSON_NAMED = re.compile(r"真人|人工|活人|客服")


def staff_in_a_rule(plain: str) -> bool:
    """Staff named in a message that asks or guesses something, not for a person ("…还是
    得找馆员帮忙拿吗", "书在库房 得请管理员取吧"; not "要找馆员，帮我叫一个", "我被管理员凶了，
    要投诉"), or whom to complain to, or how to praise someone, asked ("…态度太差 找谁反映",
    "想表扬那位馆员 怎么办")."""
    praised = PRAISES.search(plain) is not None and HOW_OR_WHERE.search(plain) is not None
    return ((STAFF_IN_A_RULE.search(plain) is not None
             and bool(ASKS.search(plain) or GUESSED.search(plain)))
            or ((WHOM_TO_TELL.search(plain) is not None or praised)
                and not A_PERSON_NAMED.search(plain))) \
        and not ASKS_FOR_A_PERSON.search(plain)
#: asking what the assistant is ("你是真人吗", "是程序在回还是真人"): who answers, not a
#: request for a person (on the normalised, lower-case text: ai is AI)
ABOUT_THE_ASSISTANT = re.compile(r"机器人吗|你是真人|是不是真人|是真人还是|还是机器|机器人还是|"
                                 r"对面是活人|是活人吗|(程序|机器人?|电脑|ai)还是.{0,2}人|"
                                 r"是.{0,6}还是真人")
#: ... or about artificial intelligence, or whether one must ask a person ("还是要找馆员
#: 拿"): not a request for a person ("有真人吗")
NOT_A_HANDOFF = re.compile(f"人工智能|{ABOUT_THE_ASSISTANT.pattern}|"
                           r"(还是要?|要不要|是不是要?|需不需要)找(?!.{0,3}(人工|真人|客服))"
                           r"(?!.*吧\W*$)|跟真人说话|和真人说话")
#: ... of which these say so in any context ("你是ai吗", "这会儿跟机器人聊吗"): who
#: answers, whatever DIET made of them
TALKING_TO_A_MACHINE = re.compile(r"[你您](就)?是(不是)?(ai|机器人|程序|人工智能)|"
                                  r"[跟和同](ai|机器人?|程序|电脑|人工智能)(在)?(聊|说话|对话)")
#: using something from home ("休馆日在家登得上知网吗", "不来馆也可以查数据库不"): the
#: digital library's rules, not the doors' hours
FROM_HOME = re.compile(r"(在家|家里|远程|校外|不到馆|不用到馆|不来馆|不出门)"
                       # (a few words between: "家里电脑也可以登你们那些数据库吗")
                       r"(?:(?!来馆|到馆|馆里)[^，,。？?！!]){0,8}(登|访问|下载|上网|数据库|电子)")
#: whether anything is owed, looked at ("再查查还欠不欠费")
OWES_ANYTHING = re.compile(r"(有没有|是不是|还)欠(钱|费|款)|欠不欠(钱|费)")
#: going in, booked ("想约个周四下午入馆名额"): whether entry must be booked, the
#: FAQ's — no book, space or hours asked for
ENTRY = re.compile(r"约[^，,。？?！!《》]{0,8}(进馆|入馆|参观|进门|进去看书)")


def books_entry(plain: str) -> bool:
    """Whether the message books going in (ENTRY), a title in 《》 aside (《参观者》)."""
    return ENTRY.search(TITLE.sub(" ", plain)) is not None


#: eating or drinking inside ("午休时候可以在自习区吃东西吗"): the rules of the reading rooms, not
#: the hours, whatever time of day is named
EATS_INSIDE = re.compile(r"吃(饭|东西|零食|午饭|外卖|点心)|喝(水|咖啡|奶茶|饮料)|带饭")
HOURS_ASKED = re.compile(OPENING)
#: the days the library is closed, said as a time ("休馆期间在家能登数据库吗"), asking
#: nothing of the hours
CLOSED_AS_A_TIME = re.compile(r"(闭馆|休馆|关门)"
                              r"(的?那几天|的时候|期间|时(?!间)|那天|的日子|日(?!期))")
#: the library's doors ("关门吧", "开不开"), not an event's start ("几点开始", "开放" of
#: an exhibition)
DOORS = re.compile(r"开门|关门|开馆|闭馆|营业|开着|开不开|关了?[吧吗么]|开[吧吗么](?!场)|"
                   # (open until a time, not driven to a place: "开到总馆")
                   r"开到(?=几|很|多|挺|晚|[0-9一二三四五六七八九十])")
#: ... and what events are called besides EVENT_WORDS ("读书会", "电影", "展览")
AN_EVENTS_WORDS = re.compile(r"开始|读书会|电影|放映|展|沙龙|分享会|课|亲子|场|期")
#: the doors asked about, or said to be shut ("开吗", "歇不歇", "也歇了吧"): a day's hours
#: even where DIET heard a search ...
DOORS_ASKED = re.compile(r"开[吗么不伐]|开不开|(关门|闭馆|营业)[吗么没了不伐]|歇(?![脚息会一着歇])")
#: ... unless a book is asked for with them ("开门了能借到某书吗", "有没有某作家的书")
BOOK_ASKED = re.compile(r"借到|借本|能借|有没有|的书|书吗")
#: the library said to have no branches ("没得分馆吧", "就一个馆吧")
NO_BRANCHES = re.compile(r"((?<!有)没有?|没得|没开|不开)分馆|分馆都没|"
                         r"(就|只有)[^，,。？?\s能想近找]{0,6}一个(馆|地方)(?=[吧吗呢的啊，,\s]|$)")
#: asking where news of something is to be had ("停馆的消息上哪能最早得知"): the FAQ's
#: entry on the notices, not a day's hours
LEARNS_OF = re.compile(r"((从|在|去|上)哪(里|儿|块|个地方)?|哪(里|儿|块|个地方))(能|可以|会)?.{0,6}"
                       r"(晓得|知道|得知|获知|看到|收到)|"
                       r"(消息|通知|公告)[^，,。？?]{0,4}(在|从|去)?哪")
#: ... not a time of day or a day asked beside it ("几点开 在哪能查到")
CLOCK_ASKED = re.compile(r"几点|几时|[开关]到|(?<!要是)(?<!万一)(?<!如果)(?<!假如)哪天|哪几天|几号|"
                         r"(?<!第一)时间|开不开|开没开|今天|明天|周末")
#: whether a kind of book is lent ("能借回去吗", "让不让借"), see NAMES_EXAMPLES
LENT = re.compile(r"借回|外借|能借|可以借|让不让借|给不给借|借不借|能不能借|可不可以借")
#: ... not books like the examples asked for
SIMILAR_ASKED = re.compile(r"类似|推荐|有没有|有没得|有[^，,。？?]{0,10}[吗么]|有没|像|找|"
                           r"想借|要借")
#: the number of seats in all told or asked ("座位恐怕不多", "五六百个座", "座位一共多少"):
#: the FAQ's, no seat to book ...
COUNTS_SEATS = re.compile(r"(几百|几千|[0-9一二两三四五六七八九十]+[百千])个?座|"
                          r"(一共|总共|总数|共有)[^，,。？?]{0,4}座|"
                          r"座位?[^，,。？?]{0,4}(一共|总共|几百|不多|不少|数量|总数)")
#: ... not the seats left or free, nor one to book or its price ("自习室座位还剩多少")
SEATS_TO_BOOK = re.compile(r"剩|还有|空|约|订|钱|预")
#: a piece of writing asked to be written ("帮我写篇读后感"): nothing a library's
#: assistant does
WRITES_FOR_ME = re.compile(r"(帮|替|给)我?(写|代写)(一?篇|个|一份|份)?[^，,。？?]{0,10}"
                           r"(读后感|观后感|作文|论文|文章|作业|心得|总结|演讲稿)")
#: ... not sources sought for it ("帮我写论文要用的资料找一下": research)
FOR_THE_WRITING = re.compile(r"资料|文献|找|查|书单|参考")
#: a branch said to be shut or to work on a day ("某馆礼拜天不上班吧"): its doors
#: (歇 of the doors, not of a reader resting: 歇脚, 歇一下)
AT_WORK = re.compile(r"上班|歇(?![脚息会一着歇])")
#: ... or as the time after closing ("关门之后", "闭了馆以后")
CLOSED_THEN = re.compile(f"{CLOSED_AS_A_TIME.pattern}|(闭|关)了?(馆|门)(以后|之后|后(?!天))")
#: what a reader would still do then: return a book, read online
DONE_WHILE_CLOSED = re.compile(r"还书|还回|归还|还.{0,2}书|电子书|数据库|数字资源|网上|线上")
#: a book reserved by someone else ("书让人约了所以续不上", "别人约下的书"): how holds and
#: renewals go, not a hold asked for
RESERVED_BY_OTHERS = re.compile(r"被(人|别人|其他人|其他读者|他人)?(预约|预定|预订|约)|"
                                r"(别人|其他人|其他读者|有人|他人)(已经)?(预约|预定|预订|约)了?")
#: ... unless the reader asks for a hold all the same ("被人约走了 那帮我约下一本")
RESERVE_FOR_ME = re.compile(r"(帮|给|替)[我他她](预约|预定|预订|约|留)|"
                            r"我(也|还)?(想|要|能)?(预约|预定|预订|约)(一|个|上|下)|"
                            r"我(想|要)(预约|预定|预订|约)|那就?(预约|约)|先约|排(个)?队")
#: a space the reader has booked ("我订好的研讨间", "我约好的自习室座位")
OWN_BOOKING = re.compile(r"我(已经)?(预约|预定|预订|约|订)(好|过)?了?的[^，,。？?！!\s]{0,4}?"
                         f"({SPACE_WORDS.pattern})")
#: ... asked what it is: its time, day or room, or whether it went through (not a rule of
#: it: "我订的自习室座位能带零食吗", "…超时了要罚款吗")
BOOKING_ITSELF_ASKED = re.compile(r"几点|哪天|什么时候|几号|时间|时段|哪间|约上|成功|记不清|忘了|"
                            r"查|看看|看下")
RULE_OF_THE_BOOKING = re.compile(r"可以|能不能|能否|罚|怎么|咋|开门|带")
#: someone who set the reader a book ("老师让读某书", "单位要求看…"): no person asked for
SET_BY_SOMEONE = re.compile(r"(老师|学校|班主任|幼儿园|导师|领导|单位|朋友|同学)"
                            r"(让|叫|要求|布置|推荐|说要?)[^，,。？?！!]{0,4}(读|看|买|借)")
#: ... or a book looked for on a child's behalf ("给孩子找某书"; not material for research)
FOUND_FOR_A_CHILD = re.compile(r"[给帮替](孩子|娃|儿子|女儿|闺女|宝宝|小孩|孙子|孙女|外孙女?)"
                               r"(找|借|挑|选)(?!.*(资料|文献|论文|档案|投诉|凶|座|位子|找人|人帮))")
#: ... unless a person is asked for all the same ("是机器还是人啊，给我找个真人")
ASKS_FOR_A_PERSON = re.compile(r"转人工|转接|要人工|(给我|帮我|我要|我想)(找|联系|叫|接)个?"
                               r"(真人|人工|馆员|工作人员|管理员)|找个(真人|人工|馆员|工作人员)|"
                               # someone in charge ("找管事的出面")
                               f"{IN_CHARGE_ASKED.pattern}")


#: what a place's 那个 asks when it is the library there ("江宁那个地址发我"; not "江北那个
#: 地铁站")
PLACE_OR_HOURS = r"[^，,。？?！!]{0,2}(具体|地址|位置|在哪|几点|开门|关门|怎么走)"


@cache
def district_libraries() -> list[tuple[re.Pattern[str], str]]:
    """"鼓楼那边的区图书馆", "建邺的图书馆", "建邺那个馆": a district's name just before
    图书馆 or 馆 names that district's library (a branch named "<district>区图书馆"), and a
    place's name the library's branch there ("河西那边": 金陵图书馆河西分馆);
    so does "江北那边" or "江宁那家" (the library there, to a library's assistant), and
    "江宁的呢" after an answer about another branch."""
    found = []
    for branch in branches():
        if name := place_name(branch["name"]):
            # the bare form not where the reader lives or comes from ("我住江北那边");
            # as the place to change to ("换到河西取吧"; not 河西走廊)
            found.append((re.compile(f"{name}区?(?:(?:那边|这边|那儿|那个|这个)?的?区?"
                                     f"(?:图书馆|馆))|(?<![住在从到离去回]){name}区?"
                                     f"(?:那边|这边|那儿|那家|这家|那个(?={PLACE_OR_HOURS}))|^(?:那么?)?{name}区?(?:的|那个)?呢\\W*$|"
                                     f"(?:改|换)(?:成|到|去|在)?{name}(?=[吧呢取拿领]|\\W|$)"),
                          branch["name"]))
    return found


def _entity(name: str, value: str, match: re.Match[str], group: int = 0) -> dict[str, Any]:
    return {"entity": name, "value": value, "start": match.start(group),
            "end": match.end(group), "extractor": "ReaderSignals"}


def about_a_visit(intent: str | None, plain: str) -> str | None:
    """The hours, for a visit at a time of day ("晚上十点还能去看书吧", "周六上午九点去
    没问题吧", "十点到了就能进吧") that DIET was unsure about, or took for booking a
    space without any booking words ("今晚八点去自习还来得及吧"). Not a visit told of
    ("昨天下午在阅览室看书，把杯子落下了…"): one in the past, or a long story."""
    if books_entry(plain):
        return None  # booking to go in (see ENTRY): not the hours
    unsure = intent in UNSURE_OF_BRANCH or (intent == "book_space"
                                            and not BOOKS_A_SPACE.search(plain)) or (
        intent in BOOK_INTENTS and not ASKS_ABOUT_BOOKS.search(ERRANDS.sub("", plain)))
    if (unsure and CLOCK_TIME.search(plain) and VISIT.search(plain)
            and not BRANCH_PLACE.search(plain) and not PAST.search(plain)
            and cjk_length(plain) <= VISIT_LENGTH):
        return "ask_opening_hours"
    return None


#: a day named ("7月22号", "周四", "礼拜天", "明天") ...
DAY_NAMED = re.compile(r"\d{1,2}\s*月\s*\d{1,2}\s*[号日]|(?:周|礼拜|星期)[一二三四五六日天]|"
                       r"今天|明天|后天")
#: ... open or closed, the guess being about the doors (not "…要带证吧") ...
OPEN_OR_CLOSED = re.compile(r"开|关|营业")
#: ... going there ("带娃去", "原本打算过去"; not 去年, 去过) ...
GOES_THERE = re.compile(r"去(?![年过世])|过来|跑一趟")


def visits_on_a_day(plain: str) -> bool:
    """A visit to a branch on a day named, told as a guess ("11月3号周二到总馆借书，应当没
    问题吧", "周六不营业的吧？下周六原本打算过去"): the premise is checked by that day's
    hours, whatever the errand."""
    return bool(DAY_NAMED.search(plain) and GOES_THERE.search(plain) and GUESSED.search(plain)
                and (VISIT.search(plain) or OPEN_OR_CLOSED.search(plain))
                and not PAST.search(plain))


def about_a_branch(intent: str | None, plain: str) -> str | None:
    """Hours or the way to a branch the message names ("江宁馆下礼拜一下午能去吗",
    "金陵圖書館少兒館週日開嗎"), where DIET was unsure what was asked, or saw events or a
    search in a message without a word of them ("建邺那家每天几点关", "少儿馆下月3号开放
    不": 儿童 of a branch's name is no subject)."""
    if intent not in UNSURE_OF_BRANCH and not (
            (intent == "ask_events" and not EVENT_WORDS.search(plain))
            or (intent == "search_catalogue" and not ASKS_ABOUT_BOOKS.search(plain))):
        return None
    hours, place = BRANCH_HOURS.search(plain), BRANCH_PLACE.search(plain)
    if hours and not place:
        return "ask_opening_hours"
    if place and not hours:
        return "ask_location"
    if not place and visits_on_a_day(plain):
        return "ask_opening_hours"
    return None


def reserves_a_book(plain: str) -> bool:
    """Asks to reserve a book: reserve words, and nothing of the holds already placed
    ("我的预约", "预约的书什么时候到"), of looking at them, of how holds work, or of a
    space or an event."""
    return (RESERVE.search(plain) is not None and not books_entry(plain)
            and not (PLACED.search(plain) and not PLACES.search(plain))
            and not HOLD_RULE.search(plain) and not LOOKS_AT.search(plain)
            and not BOOKED.search(plain))


def book_intent(plain: str) -> str:
    """What a message naming a book (a 《title》, an ISBN) asks for."""
    if SUGGESTS_PURCHASE.search(plain):  # "建议采购《X》": how to suggest a purchase
        return "ask_policy"
    if asks_after_a_hold(plain):  # "上周预约的《人世间》到了吗"
        return "list_reservations"
    if RENEWS.search(plain):
        return "renew_loan"
    if OWN_LOAN.search(plain):  # "我借的《围城》哪天到期", "我借的《活着》被水泡了"
        return "list_loans"
    return "place_reservation" if RESERVE.search(plain) else "search_catalogue"


@dataclass(frozen=True)
class Correction:
    """DIET's intent replaced by `to` when it is one of `of` (or, with `but`, any intent
    but those) and the words say so (`when`, on the normalised text). A `to` that is a
    function may find no intent: then nothing is corrected."""

    when: Callable[[str], object]
    to: str | Callable[[str], str | None]
    of: frozenset[str] = frozenset()
    but: frozenset[str] | None = None

    def applies(self, intent: str | None, plain: str) -> bool:
        among = intent not in self.but if self.but is not None else intent in self.of
        return among and bool(self.when(plain))

    def intent(self, plain: str) -> str | None:
        return self.to if isinstance(self.to, str) else self.to(plain)


def _account_topic(plain: str) -> str | None:
    return next((name for topic, name in ACCOUNT_TOPICS if topic.search(plain)), None)


def _names_an_author(plain: str) -> bool:
    works = BY_AUTHOR.match(plain)
    return works is not None and not NOT_AN_AUTHOR.search(works.group("name"))


def drops_a_hold(plain: str) -> bool:
    """"某书不打算看了 给退了吧": done with something, asking nothing."""
    return (DROPS_IT.search(plain) is not None or CANCEL.search(plain) is not None) \
        and not ASKS.search(plain) and not NOT_A_HOLD_DROPPED.search(plain)


def _reserves_after_dropping(plain: str) -> bool:
    """"刚才那本算了，就另一本吧，帮我约上": a book dropped, then a hold asked for outright in
    a later clause that drops nothing (not "给我约那本，不要了", "帮我约上的那本删掉")."""
    parts = clauses(plain)
    asked = next((n for n, part in enumerate(parts) if ASKS_TO_RESERVE.search(part)), None)
    return (asked is not None and not CANCEL.search(plain)
            and any(DROPS.search(part) for part in parts[:asked])
            and not any(DROPS.search(part) for part in parts[asked:])
            and reserves_a_book(" ".join(parts[asked:])))


#: a remark after a request: an age or thanks ("她8岁", "谢谢"), of so many Chinese
#: characters at most
REMARK = re.compile(r"岁|谢|麻烦|辛苦")
REMARK_LENGTH = 4


#: a rule asked ("为啥预约被取消了", "续借规则是什么", "丢了怎么赔", "保留几天"): the
#: rules', card number or not
RULE_ASKED = re.compile(r"为啥|为什么|为何|怎么|咋|规则|标准|规定|几天|多久|多长|赔")
#: a hold wished for ("想约", "帮我约")
WANTS_TO_RESERVE = re.compile(r"想(预)?约|要(预)?约|(帮我|给我|替我)(预)?约|约[一这那]?本")
#: ... and words of one already placed ("预约到了", "预约上没", "预约信息")
HOLD_STATE = re.compile(r"到了|上没|成功|信息|情况|状态|取消")
#: a wish said in the sign-up's own words ("想报下月那个培训", "某讲座我想参加")
WISHES_TO_SIGN_UP = re.compile(r"我想|我要|(?<![不没太])想去|我也想|(?<![不没太])想报")
#: ... not the event signed up for, spoken of ("我要参加的那场讲座改时间了")
SIGNED_UP_FOR = re.compile(r"(参加|报名?)的")


def _signs_up_last(plain: str) -> bool:
    """"…还剩位置吗，替我报上", "某讲坛这期我也想参加 证号JL…": the last clause (not one that
    only gives the card) asks to be signed up, and asks nothing; so
    does a place asked to be kept after an event was named ("某培训还有空吗，帮我留一个";
    not a seat in a reading room). A short remark after it ("…帮儿子报一下某工坊 刚满9岁")
    is not its last clause."""
    said = clauses(plain) or [""]
    while len(said) > 1 and not ASKS.search(said[-1]) and (
            (REMARK.search(said[-1]) and cjk_length(said[-1]) <= REMARK_LENGTH)
            # a clause that only gives the card ("卡号JL…", "我的证号是jl…")
            or CARD_GIVEN.fullmatch(said[-1].removeprefix("我的").strip()) is not None):
        said.pop()
    last = said[-1]
    asks_to = ASKS_TO_SIGN_UP.search(last) or (SIGNS_UP.search(last)
                                               and WISHES_TO_SIGN_UP.search(last)
                                               and not SIGNED_UP_FOR.search(last))
    return (bool(asks_to) and not ASKS.search(last)) or keeps_a_place_at_an_event(plain)


BOOK_INTENTS = frozenset({"place_reservation", "search_catalogue"})
LOAN_INTENTS = frozenset({"list_loans", "renew_loan"})
#: a no that begins the message ("不用了，…", "算了"): a refusal, whatever follows
STARTS_REFUSING = re.compile(r"^\W*(嗯|哦|那|那就|我|还是)*"
                             r"(不用|不要|不需要|算了|没事|不了|不必|不想|不是|不对|不行|别)")
#: a guess to be confirmed, ending a message ("报告厅有投影仪吧", "能带水进去吧")
GUESS = re.compile(r"(?<!不)(?<!还是)(有|能|可以|会|是|在|开|"
                   # ... or that something is not needed ("本人不必亲自来吧"; not a no:
                   # "就不用了吧", "不必麻烦了吧")
                   r"(不用|不必|用不着)(?=亲自|本人|到场|到馆|来|去|带|交|办|排队|预约|登记))"
                   r"[^，,。！!？?]{0,12}吧[？?。！!~]*$")
#: ... unless the reader says what they will do instead ("我还是回家再看吧")
INSTEAD = re.compile(r"还是|自己")
#: a no says this many Chinese characters at most; a longer message that asks is a question
#: whose words say no of something else ("手机没电了充不上，有插座吧")
REFUSAL_LENGTH = 6


def _asks_past_a_no(plain: str) -> bool:
    return (not STARTS_REFUSING.match(plain) and cjk_length(plain) > REFUSAL_LENGTH
            and bool(ASKS.search(plain) or (GUESS.search(plain) and not INSTEAD.search(plain))))


def _what_is_asked(plain: str) -> str:
    """What a message DIET took for small talk asks: the reader's own account when it
    asks about it ("上回晚还了，系统里扣了我多少钱"), else a rule."""
    own = OWN_ACCOUNT.search(plain) and not HOW_TO.search(plain)
    return (_account_topic(plain) if own else None) or "ask_policy"


def _asks_past_thanks(plain: str) -> bool:
    """"…弄丢了，咋赔" that DIET took for thanks: a longer message that asks is a question."""
    return cjk_length(plain) > REFUSAL_LENGTH and bool(ASKS.search(plain))


#: a book sought ("找本…", "想看…"), which is the catalogue's unless ...
BOOK_SOUGHT = re.compile(r"(找|挑|想看|想读|想借|推荐)[^，,。？?]{0,20}"
                         r"(书|绘本|小说|读物|全套|系列|传记|诗集|漫画)|(找|挑|借)[一几两]?[本套]|"
                         r"有没有.{0,10}(书|绘本|小说)")
#: a book sought by what it tells ("找本讲…", "有没有关于…的书")
TOPIC_SOUGHT = re.compile(r"(找|挑|借)[一几两]?[本套](讲|关于)|"
                          r"有没有(讲|关于)[^，,。？?]{1,16}的(书|绘本)")
#: ... what is sought is a librarian's research (papers, archives, old maps, genealogies)
RESEARCH_ASKED = re.compile(r"论文|课题|查新|查收|查引|文献|资料|档案|族谱|家谱|地方志|方志|"
                            r"古籍|簿|影印|史料|报纸|期刊|地图|专利|标准|数据")
#: a guess told, to be confirmed ("多半没收…吧", "应该没什么…吧")
GUESSES = re.compile(r"(多半|应该|估计|大概|恐怕|怕是|肯定|没(啥|什么|有))[^，,。？?]{0,12}吧")
#: ... not help asked for ("还是得麻烦老师吧", "约个时间当面咨询吧")
HELP_ASKED = re.compile(r"帮|麻烦|指导|咨询|老师|专家|当面|约个")
#: in a case supposed (SUPPOSES), not something to be done for the reader ("万一来不及 能不能
#: 先续上") ...
DONE_FOR_ME = re.compile(r"(能不能|可不可以|可以)(再|先|帮我|给我)?(续|看看|查|帮)")
#: ... and what the rule is in it ("算不算", "会不会", "怎么办")
RULE_IN_A_CASE = re.compile(r"算不算|会不会|要不要|能不能|可不可以|怎么办|咋办|怎么算|"
                            r"算我|会被|会算")
#: a case supposed with …的话 where a clause begins ("不改的话", "没带证的话"; not a
#: courtesy: "方便的话", "可以的话") ...
CASE_SUPPOSED = re.compile(r"(?:^|[\s，,])(?!方便|可以|不麻烦|有空|这样|那样|需要|必要)"
                           r"[\u4e00-\u9fff]{1,5}的话")
#: ... and what would follow from it, asked ("是不是就收不到了", "是不是会被停")
SUPPOSED_OUTCOME = re.compile(r"是不是(就|会|要|得)?(收不到|没有?|没法|不能|不会|会被|得|要)")
#: a rule about seats rather than seats left ("有没有座位限制", "空位怎么收费")
SEAT_RULE = re.compile(r"限制|收费|要钱|规则|规定|带|能不能|可不可以")


#: the words of a yes ("好的", "行", "可以", "没问题，约吧")
SAYS_YES = re.compile(r"好|行|可以|是|对|嗯|确认|确定|没问题|没错|没毛病|当然|同意|需要|要|约|请|"
                      r"麻烦|提交|继续|办|谢|ok|yes")


#: ... nor of a choice made in reply ("在江宁馆取书吧", "第二个")
REPLY_CHOICE = re.compile(r"[取拿领]|第|这|那本")


def _says_no_yes(plain: str) -> bool:
    """"…登录密码也忘记了" that DIET took for a yes: a longer message without a word of
    one, or of a choice or a branch, tells a matter of its own."""
    return (cjk_length(plain) > REFUSAL_LENGTH and not SAYS_YES.search(plain)
            and not REPLY_CHOICE.search(plain) and not branches_named(plain))


#: the corrections, the first that applies wins
CORRECTIONS = (
    Correction(lambda p: ABOUT_THE_ASSISTANT.search(p) and not ASKS_FOR_A_PERSON.search(p),
               "bot_challenge", of=frozenset({"request_human"})),
    Correction(staff_in_a_rule, "ask_policy", of=frozenset({"request_human"})),
    # "省图在什么地方" taken for a greeting: the other library asked about
    Correction(lambda p: OTHER_LIBRARY.search(p) and (ASKS.search(p) or BRANCH_PLACE.search(p))
               and not ABOUT_THE_ASSISTANT.search(p),
               lambda p: "ask_location" if BRANCH_PLACE.search(p) else "ask_policy",
               of=frozenset({"greet", "bot_challenge"})),
    Correction(lambda p: OWES_ANYTHING.search(p) and LOOKS_AT.search(p) and not HOW_TO.search(p),
               "ask_account", of=BOOK_INTENTS | NOT_A_REQUEST
               | frozenset({"nlu_fallback", "show_more"})),
    Correction(lambda p: RESERVED_BY_OTHERS.search(p) and not RESERVE_FOR_ME.search(p)
               and not CANCEL.search(p),
               "ask_policy", of=frozenset({"place_reservation", "cancel_reservation"})),
    Correction(lambda p: books_entry(p) and not HOURS_ASKED.search(p),
               "ask_policy",
               of=frozenset({"place_reservation", "ask_opening_hours", "book_space"})),
    Correction(lambda p: (FROM_HOME.search(p) or EATS_INSIDE.search(p))
               and not HOURS_ASKED.search(CLOSED_AS_A_TIME.sub(" ", p)),
               "ask_policy", of=frozenset({"ask_opening_hours"})),
    Correction(lambda p: LEARNS_OF.search(p) and not CLOCK_ASKED.search(p), "ask_policy",
               of=frozenset({"ask_opening_hours"})),
    Correction(lambda p: COUNTS_SEATS.search(p) and not SEATS_TO_BOOK.search(p), "ask_policy",
               of=frozenset({"book_space"})),
    # "期刊给不给借 比如某刊": whether a kind of book is lent, its titles only examples (not
    # books like them asked for: "有没有类似某书那类的小说")
    Correction(lambda p: NAMES_EXAMPLES.search(p) and LENT.search(p)
               and not OWN_ACCOUNT.search(p) and not SIMILAR_ASKED.search(p), "ask_policy",
               of=BOOK_INTENTS | NOT_A_REQUEST),
    Correction(lambda p: WRITES_FOR_ME.search(p) and not FOR_THE_WRITING.search(p), "out_of_scope",
               but=frozenset({"out_of_scope", "request_human"})),
    # "下雨包漏了 借的书全泡了 咋整": a question about a loan is the library's to answer
    Correction(lambda p: LOAN_NAMED.search(p) and ASKS.search(p), "ask_policy",
               of=frozenset({"out_of_scope"})),
    # "某日 某馆歇业吗": that branch's doors that day
    Correction(lambda p: DAY_NAMED.search(p) and (DOORS.search(p) or AT_WORK.search(p))
               and bool(branches_named(p)), "ask_opening_hours",
               of=frozenset({"nlu_fallback"}) | SMALL_TALK),
    # ... also with an errand after it ("…那天也歇吗 想去还几本"), taken for a search: the
    # doors asked, no book
    Correction(lambda p: DAY_NAMED.search(p) and DOORS_ASKED.search(p)
               and bool(branches_named(p)) and not TITLE.search(p)
               and not BOOK_ASKED.search(p), "ask_opening_hours",
               of=frozenset({"search_catalogue"})),
    # "关门之后还能把书还回去吗", "休馆期间在线数据库还能用吗": what can be done while the
    # library is closed, not its hours
    Correction(lambda p: CLOSED_THEN.search(p) and DONE_WHILE_CLOSED.search(p)
               and not HOURS_ASKED.search(CLOSED_THEN.sub(" ", p)),
               "ask_policy", of=frozenset({"ask_opening_hours"})),
    # "数学老师让买某书，这边借得到吗": a book set by a teacher, or looked for on a child's
    # behalf, no person asked for
    Correction(lambda p: (SET_BY_SOMEONE.search(p) or (FOUND_FOR_A_CHILD.search(p)
                                                     and not ACCOUNT_OR_RULE.search(p)))
               and not PERSON.search(p)
               and not ASKS_FOR_A_PERSON.search(p), "search_catalogue",
               of=frozenset({"request_human"})),
    Correction(_asks_past_a_no, _what_is_asked, of=frozenset({"deny"})),
    Correction(_asks_past_thanks, _what_is_asked, of=frozenset({"thank"})),
    # "帮我瞧瞧我的证眼下是啥状态": the card's state, no hold named
    Correction(lambda p: not HOLD_WORDS.search(p) and _account_topic(p) == "ask_account",
               "ask_account", of=frozenset({"list_reservations"})),
    Correction(asks_after_a_hold, "list_reservations", of=BOOK_INTENTS | NOT_A_REQUEST),
    Correction(lambda p: not RESERVE.search(p), "search_catalogue",
               of=frozenset({"place_reservation"})),
    # "假如遇上停馆 借期刚好到头 会被罚吗": a rule in a case supposed, not the
    # reader's loans (nor an account looked at, nor a card given)
    Correction(lambda p: ((SUPPOSES.search(p) and RULE_IN_A_CASE.search(p))
                          or (CASE_SUPPOSED.search(p) and SUPPOSED_OUTCOME.search(p)))
               and not OWN_ACCOUNT.search(p) and not CARD.search(p)
               and not DONE_FOR_ME.search(p), "ask_policy",
               of=ACCOUNT_LISTS | {"ask_account"}),
    Correction(lambda p: LOANS_DUE.search(p) and not asks_how(p), "list_loans",
               but=LOAN_INTENTS),
    Correction(lambda p: CONTACT.search(p) and not RESEARCH_MATTER.search(p), "ask_policy",
               of=frozenset({"request_research_help"})),
    # "地方志馆里收吗": whether the library collects it (or lets it be photographed), not a
    # request for research help
    Correction(lambda p: (COLLECTS.search(p) or (MAY_COPY.search(p) and ASKS.search(p)
                                                 and not COPY_ASKED.search(p)))
               and not ASKS_TO_SEARCH.search(p), "ask_policy",
               of=frozenset({"request_research_help"})),
    # "想找本讲城市规划的书 给孩子看": a book sought, no research matter nor a person
    Correction(lambda p: BOOK_SOUGHT.search(p) and not RESEARCH_ASKED.search(p)
               and not PERSON.search(p) and not ASKS_FOR_A_PERSON.search(p),
               "search_catalogue", of=frozenset({"request_research_help"})),
    # ... and a book sought by what it tells, no place asked ("找本讲桥是怎么造出来的"; not
    # "想借书 最近的分馆在哪", "找不到还书机在哪")
    Correction(lambda p: TOPIC_SOUGHT.search(p) and not re.search(WHERE, p), "search_catalogue",
               of=frozenset({"ask_location"})),
    # "读过一本讲某事的 名字忘了": a book told of, its name forgotten (no cancellation)
    Correction(lambda p: NAME_FORGOTTEN.search(p) and (BOOK_KIND.search(p) or "一本" in p)
               and not (CANCEL.search(p) or DROPS.search(p) or LOAN_TOLD.search(p)),
               "search_catalogue",
               of=NOT_A_REQUEST | CANCEL_INTENTS | SMALL_TALK),
    # "馆里多半没收老档案吧": a guess about the collection, no search, person or account
    # asked for (not "借的几本都替我延上吧")
    Correction(lambda p: GUESSES.search(p) and not ASKS_TO_SEARCH.search(p)
               and not ASKS_FOR_A_PERSON.search(p) and not PERSON.search(p)
               and not HELP_ASKED.search(p)
               and not OWN_ACCOUNT.search(p) and not EXTENDS_A_LOAN.search(p), "ask_policy",
               of=frozenset({"request_research_help"})),
    # "我约好的研讨间是几点来着": the reader's own booking, whatever it asks of it (not
    # cancelled: that is the booking's own intent)
    Correction(lambda p: OWN_BOOKING.search(p) is not None and not CANCEL.search(p)
               and BOOKING_ITSELF_ASKED.search(p) is not None
               and not RULE_OF_THE_BOOKING.search(p),
               "list_reservations",
               of=frozenset({"ask_opening_hours", "book_space", "ask_policy", "nlu_fallback"})),
    Correction(lambda p: (found := BESIDES_ONE_WORK.match(p)) is not None
               and not NOT_AN_AUTHOR.search(found["name"]), "search_catalogue",
               of=NOT_A_REQUEST | SMALL_TALK),
    Correction(lambda p: (found := WROTE_ELSE.match(p)) is not None
               and not NOT_AN_AUTHOR.search(found["name"]), "search_catalogue",
               of=NOT_A_REQUEST | frozenset({"request_human"})),
    # "某学者写…的那本书" taken for events: a book, no event named
    Correction(lambda p: not EVENT_WORDS.search(p) and not BOOK_OF_AN_EVENT.search(p)
               and BOOK_OF_A_WRITER.search(p) is not None,
               "search_catalogue", of=frozenset({"ask_events"})),
    # "我这个月总共报过几场": the reader's holds and sign-ups, listed
    Correction(lambda p: SIGN_UPS_ASKED.search(p) and not CANCEL.search(p) and not asks_how(p),
               "list_reservations", of=NOT_A_REQUEST | {"sign_up_event", "cancel_booking"}),
    # "替儿子查查他约了哪些书"
    Correction(lambda p: PLACED.search(p) and LOOKS_AT.search(p) and not HOLD_RULE.search(p),
               "list_reservations", of=BOOK_INTENTS | NOT_A_REQUEST),
    # "可以帮我预约下…吗，周末去江宁馆拿"
    Correction(lambda p: ASKS_TO_RESERVE.search(p) and reserves_a_book(p) and not CANCEL.search(p),
               "place_reservation",
               but=frozenset({"place_reservation", "request_human", *CANCEL_INTENTS, *SMALL_TALK})),
    Correction(_reserves_after_dropping, "place_reservation", of=CANCEL_INTENTS),
    # "围城借得到吗"
    Correction(lambda p: AVAILABLE.search(p) and not OWN_ACCOUNT.search(p)
               and not NOT_AVAILABILITY.search(p), "search_catalogue", of=LOAN_INTENTS),
    # "某书不想看了 退掉吧" read as the holds list: one of them, dropped
    Correction(drops_a_hold, "cancel_reservation", of=frozenset({"list_reservations"})),
    # "白夜行那本不想看了 撤掉吧": a hold of it, cancelled
    Correction(lambda p: CANCEL.search(p) and not WHY_CANCELLED.search(p) and not ASKS.search(p)
               and not ASKS_TO_RESERVE.search(p), "cancel_reservation", of=BOOK_INTENTS),
    # "诗会那场收不收钱", "听讲坛得付场地费吗": a rule of events, no sign-up (nor a
    # cancellation, in any words: "…不去了，报名费退给我") asked for
    Correction(lambda p: FEE.search(p) and not ASKS_TO_SIGN_UP.search(p) and not CANCEL.search(p)
               and not (DROPS.search(p) and not ASKS.search(p)),
               _what_is_asked, of=frozenset({"sign_up_event", *CANCEL_INTENTS})),
    # no cancelling words, a book: a title, searched or held as the words ask ("某书那本
    # 给我约上" that DIET heard as a cancellation is a hold); why, not a request
    Correction(lambda p: not CANCEL.search(p) and not DROPS.search(p) and NAMES_A_BOOK.search(p),
               book_intent, of=CANCEL_INTENTS),
    Correction(lambda p: WHY_CANCELLED.search(p) and not ASKS_TO_CANCEL.search(p), "ask_policy",
               of=CANCEL_INTENTS),
    # no word of cancelling, nor of anything to cancel ("我退休了 这把年纪也收吗" after
    # the volunteers' entry): what it asks
    Correction(lambda p: ASKS.search(p) and not (CANCEL.search(p) or DROPS.search(p)
                                                 or CANCELLED_THING.search(p)),
               _what_is_asked, of=CANCEL_INTENTS),
    Correction(RESERVE.search, "place_reservation", of=frozenset({"search_catalogue"})),
    # "帮它延个两周": a loan's renewal in other words (not what a late return costs, nor an
    # event or an opening put off: "讲座延期了吗")
    Correction(lambda p: EXTENDS_A_LOAN.search(p) and not HOW_TO.search(p)
               and not NO_LOAN_EXTENDED.search(p), "renew_loan",
               of=NOT_A_REQUEST | frozenset({"request_research_help", "show_more"})),
    # the reader's own account, also where DIET heard research help ("帮我看看手里那些书
    # 还没还")
    # (no account named, events asked for: "近期讲座 列给我看下" is theirs, below)
    Correction(lambda p: OWN_ACCOUNT.search(p) and not asks_how(p)
               and (_account_topic(p) is not None or not EVENT_WORDS.search(p)), _account_topic,
               of=frozenset({"ask_policy", "nlu_fallback", "show_more", "request_research_help"})),
    # "那本过期好久，已经罚了多少": what the reader owes, not the loans or a search
    Correction(lambda p: OWES.search(p) and not HOW_TO.search(p), "ask_account",
               of=LOAN_INTENTS | BOOK_INTENTS),
    Correction(_names_an_author, "search_catalogue", of=NOT_A_REQUEST | SMALL_TALK | ACCOUNT_LISTS),
    # "封面记得 绘本叫某某什么来着": a title half remembered, a search for what is
    Correction(lambda p: half_called(p) is not None and BOOK_KIND.search(p) is not None,
               "search_catalogue", of=NOT_A_REQUEST | SMALL_TALK | {"ask_location"}),
    # "同类的，讲天文的还有哪些书", "求推荐讲怎么戒掉熬夜的书" (a rule's word in the topic
    # is the topic's)
    Correction(lambda p: BOOKS_ON_A_TOPIC.search(p) and (
        not ACCOUNT_OR_RULE.search(p) or (ASKS_FOR_BOOKS.search(p) is not None
                                          and not ACCOUNT_OR_RULE.search(
                                              BOOKS_ON_A_TOPIC.sub(" ", p)))),
               "search_catalogue", of=NOT_A_REQUEST),
    # "替小侄子挑本讲星星的图画书", "想借套中国通史": a book asked for, whatever else DIET
    # heard in it (an event for children, a person to help)
    Correction(wants_a_book, "search_catalogue",
               of=NOT_A_REQUEST | {"sign_up_event", "request_human"}),
    # "证号JL…，打算撤销那条预约": the card given to cancel a hold by, whatever DIET heard
    Correction(lambda p: CARD.search(p) is not None and CANCEL.search(p) is not None
               and A_HOLD.search(p) is not None and not BOOKED.search(p)
               and not ASKS.search(p), "cancel_reservation", of=NOT_A_REQUEST),
    # "某书 这本书有没有": a search, whatever the FAQ has on buying books
    Correction(lambda p: THIS_BOOK_HELD.search(p) and not OWN_ACCOUNT.search(p),
               "search_catalogue", of=NOT_A_REQUEST),
    # "找一下某作家的某书": no space and no time, so nothing to book
    Correction(lambda p: LOOKS_UP.search(p) and not SPACE_OR_TIME.search(p), "search_catalogue",
               of=frozenset({"book_space"})),
    # "河西的自习室还能约吗": the free slots, to book one
    Correction(lambda p: SPACE_WORDS.search(p) and CAN_BOOK.search(p) and not CANCEL.search(p),
               "book_space", of=NOT_A_REQUEST | NOT_A_SPACE),
    # "某天自习室还剩空座伐": seats left in a space named besides the seat words — not at an
    # event, nor a rule about the seats ("有没有座位限制")
    Correction(lambda p: SEATS_LEFT.search(p) is not None
               and SPACE_WORDS.search(SEATS_LEFT.sub(" ", p)) is not None
               and not EVENT_WORDS.search(p) and not AN_EVENTS_WORDS.search(p)
               and not SEAT_RULE.search(p) and not CANCEL.search(p),
               "book_space", of=frozenset({"nlu_fallback", "ask_location", "ask_policy"})),
    # "研讨间B拿来干什么用": what it is for, the FAQ's
    Correction(lambda p: WHAT_IT_IS_FOR.search(p) and not CAN_BOOK.search(p)
               and not NO_TIME_ASKED.search(p), "ask_policy", of=frozenset({"book_space"})),
    # "能拿着平板电脑进去看一下午书吗": a visit's rule, no booking asked for (at a time of day:
    # the hours, see about_a_visit)
    Correction(lambda p: VISIT.search(p) and ASKS.search(p) and not BOOKS_A_SPACE.search(p)
               and not CLOCK_TIME.search(p), "ask_policy", of=frozenset({"book_space"})),
    # "下礼拜六来的话 还是这个钟点关门吧": the doors on a day, no event nor sign-up in it
    Correction(lambda p: DAY_NAMED.search(p) and DOORS.search(p)
               and not EVENT_WORDS.search(p) and not AN_EVENTS_WORDS.search(p)
               and not ASKS_TO_SIGN_UP.search(p),
               "ask_opening_hours", of=frozenset({"sign_up_event", "ask_events"})),
    # "金图只这一个馆 没开分馆吧": whether the library has branches, a premise the FAQ's
    # entry on its branches answers, not their addresses or hours
    Correction(lambda p: NO_BRANCHES.search(p) is not None and not BRANCH_PLACE.search(p)
               and not DOORS.search(p), "ask_policy",
               of=frozenset({"ask_location", "ask_opening_hours"})),
    # "我要报名数字资源使用培训", "…还剩位置吗，替我报上"
    Correction(_signs_up_last, "sign_up_event", of=NOT_A_REQUEST),
    # "下一期讲坛讲啥": the coming events, not the series' entry
    Correction(lambda p: EVENT_WORDS.search(p) and (UPCOMING.search(p) or MONTH_AHEAD.search(p))
               and not CANCEL.search(p)
               and not EVENT_RULE.search(p), "ask_events", of=NOT_A_REQUEST),
    # "预定一下人间失格"
    Correction(lambda p: reserves_a_book(p) and not ASKS.search(p), "place_reservation",
               of=NOT_A_REQUEST),
    # "某书 想约 河西取": a hold wished for, no hold placed, looked at or asked after (not
    # the holds list DIET heard in 约 and 取)
    Correction(lambda p: reserves_a_book(p) and WANTS_TO_RESERVE.search(p) is not None
               and not ASKS.search(p) and not HOLD_STATE.search(p), "place_reservation",
               of=frozenset({"list_reservations"})),
    Correction(lambda p: SWITCHES_HOLD.search(p) and not ASKS.search(p)
               and not SWITCHES_ELSE.search(p), "place_reservation", of=NOT_A_REQUEST),
    # "JL…这张是孩子的 查下借着几本": a card number given with what is asked of its account (a
    # card number is no rule's word), when no other reading above took it (a hold, a
    # cancellation, a sign-up)
    Correction(lambda p: CARD.search(p) is not None and not HOW_TO.search(p)
               and not RULE_ASKED.search(p) and _account_topic(p) is not None, _account_topic,
               of=NOT_A_REQUEST | {"show_more"}),
    # last: any other reading of the words comes first ("某作家写的有没有": a search)
    Correction(_says_no_yes, _what_is_asked, of=frozenset({"affirm"})),
)


def corrected(intent: str | None, text: str) -> str | None:
    """DIET's intent corrected where the words are clear (CORRECTIONS): a book intent by
    whether the reader asks to reserve ("挪威森林" is a search, "预定一下人间失格" a hold);
    a question about the rules that asks about the reader's own account ("我有逾期没还的书
    吗", "帮我看看还欠多少滞纳金") by what it asks about; a book request that asks after a
    hold already placed is the reader's holds."""
    plain = normalise(text)
    if not WORD.search(plain):  # pictures alone: small talk ("👍", "🙏") or unclear ("😅")
        return None if intent in SMALL_TALK else "nlu_fallback"
    rule = next((rule for rule in CORRECTIONS if rule.applies(intent, plain)), None)
    return rule.intent(plain) if rule else None


#: a letter, digit or character of any script: a message without one says nothing,
#: or only what its pictures say (👍 agrees, 🙏 thanks)
WORD = re.compile(r"[^\W_]")
PICTURE = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]")
#: a run of keys hit at random ("asdfjkl;;'[["): letters among the keys next to them, no
#: space — nothing to answer but "say again"
KEYBOARD_MASH = re.compile(r"^(?=.*[a-z])(?=(?:.*[;'\[\]\\`]){2})[a-z;'\[\]\\`,./]+$")
#: ... or letters of one row of keys swept along it ("asdfjkl", "qwerty"), among nothing but
#: punctuation: no word is typed so (not "hello", "salad", "wifi", "property")
KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
SWEPT_LETTERS = 5
#: the share of neighbouring letters that are neighbouring keys of that row
SWEPT_SHARE = 0.7


def swept_along_a_row(plain: str) -> bool:
    """Letters alone, all of one row of keys, most typed next to each other ("asdfjkl")."""
    if re.search(r"[^\W\d_a-z]|\d", plain):  # any character but Latin letters says more
        return False
    letters = "".join(re.findall(r"[a-z]", plain))
    row = next((row for row in KEY_ROWS if set(letters) <= set(row)), None)
    if row is None or len(letters) < SWEPT_LETTERS:
        return False
    pairs = list(pairwise(letters))
    swept = sum(abs(row.index(a) - row.index(b)) == 1 for a, b in pairs)
    return swept >= SWEPT_SHARE * len(pairs)


def signals(text: str) -> tuple[str | None, list[dict[str, Any]]]:
    """The intent a signal decides (or None) and the entities it adds."""
    entities = []
    intent = None
    plain = normalise(text)  # the words in simplified characters (幫我預約 as 帮我预约)
    if isbn := ISBN_IN_TEXT.search(text):
        entities.append(_entity("isbn", re.sub(r"[\s-]", "", isbn.group(1)), isbn, 1))
        intent = book_intent(plain)
    if title := TITLE.search(text):
        entities.append(_entity("title", title.group(1).strip(), title, 1))
        intent = book_intent(plain)
    if asks_for_a_volume(text):
        intent = book_intent(plain)  # "第三部呢": that volume of the previous search
    if OWN_REQUEST.search(plain):
        intent = None
    if (not WORD.search(plain) and not PICTURE.search(text)) or KEYBOARD_MASH.match(plain) \
            or swept_along_a_row(plain):
        intent = "nlu_fallback"  # punctuation or keys hit at random ("？？", "asdfjkl"): what?
    untitled = TITLE.sub(" ", plain)  # "取消《房间》的预约" cancels a hold
    if CANCEL.search(untitled) and BOOKED.search(untitled) and not ASKS_WHY.search(untitled):
        intent = "cancel_booking"
    if intent is None and TALKING_TO_A_MACHINE.search(plain) \
            and not ASKS_FOR_A_PERSON.search(plain):
        intent = "bot_challenge"
    if intent is None and ((PERSON.search(plain) and (
            not (NOT_A_HANDOFF.search(plain) or staff_in_a_rule(plain))
            or ASKS_FOR_A_PERSON.search(plain)))
            or (IN_CHARGE_ASKED.search(plain) and not ASKS.search(plain))):
        intent = "request_human"
    own = OWN_REQUEST.search(plain.replace("我的预约", "")) and not gives_the_card(plain)
    if intent is None and CARD.search(text) and not own and not BOOKED.search(plain):
        # "我的预约，证号JL…", "我有没有欠费 证号JL…": the reader's own account; "证号
        # JL…，帮我约一本…": a hold, with the card to verify by (a space or an event with
        # a card: DIET's)
        intent = "place_reservation" if reserves_a_book(plain) else \
            "cancel_reservation" if drops_a_hold(plain) else next(
                (name for topic, name in ACCOUNT_TOPICS if topic.search(plain)),
                "list_reservations")
    return intent, entities + branches_named(plain)


def gives_the_card(plain: str) -> bool:
    """Whether the message says nothing but the card number and words that give it."""
    return cjk_length(GIVES_THE_CARD.sub("", CARD.sub("", plain))) == 0


def branches_named(plain: str) -> list[dict[str, Any]]:
    """The branches a message names, in order ("建邺那边的区图书馆跟金图一样…" is about 建邺
    first; "鼓楼馆和江宁馆"), each by its longest alias there."""
    named = [(start, start + len(alias), name) for alias, name in branch_aliases()
             if (start := plain.find(alias)) >= 0]
    named += [(found.start(), found.end(), name)
              for pattern, name in district_libraries() if (found := pattern.search(plain))]
    chosen: list[dict[str, Any]] = []
    for start, end, name in sorted(named, key=lambda span: (span[0], span[0] - span[1])):
        if all(start >= e["end"] for e in chosen) and name not in {e["value"] for e in chosen}:
            chosen.append({"entity": "branch", "value": name, "start": start, "end": end,
                           "extractor": "ReaderSignals"})
    return chosen


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER],
                          is_trainable=False)
class ReaderSignals(GraphComponent):
    @classmethod
    def create(cls, config: dict[str, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> ReaderSignals:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            if text.startswith("/"):
                continue
            intent, found = signals(text)
            guessed = (message.get(INTENT) or {}).get("name")
            plain = normalise(text)
            if guessed in BOOK_INTENTS:  # a visit's errand, before what a book intent becomes
                intent = intent or about_a_visit(guessed, plain)
            intent = intent or corrected(guessed, text)
            if intent is None and any(entity["entity"] == "branch" for entity in found):
                intent = about_a_branch(guessed, plain)
            if guessed not in BOOK_INTENTS:
                intent = intent or about_a_visit(guessed, plain)
            # Where a signal found an entity, it replaces what DIET tagged (DIET's spans
            # are often a character or two off: "江宁区馆五一"); ISBNs are the pattern's
            # alone (DIET tags "24" of "24小时开放的自习区" as one).
            signalled = {entity["entity"] for entity in found} | {"isbn"}
            entities = [entity for entity in message.get(ENTITIES) or []
                        if entity["entity"] not in signalled] + found
            message.set(ENTITIES, entities, add_to_output=True)
            if intent is not None:
                message.set(INTENT, {"name": intent, "confidence": 1.0}, add_to_output=True)
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or []
                           if r.get("name") != intent]
                message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 1.0},
                                                 *ranking], add_to_output=True)
        return messages
