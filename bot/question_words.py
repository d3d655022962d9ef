"""The words that make a reader's message ask something (吗, 几, 哪, 怎么, 有没有 …), as
opposed to a request or a name: one definition for the channel guard (cutting two
questions apart), the NLU signals (a request, not a question) and the actions (a rule
question for the FAQ, a bare title)."""

from __future__ import annotations

import re

#: where one clause of a message ends (raw or normalised text)
CLAUSE_BREAK = re.compile(r"[，,。.；;！!？?~～…\s]+")


def clauses(text: str) -> list[str]:
    """The clauses of a message, in order, without empty ones."""
    return [clause for clause in CLAUSE_BREAK.split(text) if clause]


#: the A of an A不A question (not 不, 没, nor 时 and 动 of 时不时, 动不动)
_EITHER = r"[^\W\d_不没时动]"
#: 伐 ending a question, Nanjing's and Shanghai's 吗 ("下午开伐"; not 砍伐, 步伐, 北伐, 盗伐)
NANJING_QUESTION_END = (r"(?<=[\u4e00-\u9fffA-Za-z])(?<![砍采征讨步杀北东西攻诛挞笔滥盗择皆伐])伐"
                        r"(?=[\s，,。.！!~～？?]|$)")
#: the words that ask (几 not in a rough number: 十几个, 20几个, 几百个, 七几年)
ASKS = re.compile(r"吗|嘛|呢|(?<![这那])么|[?？]|"
                  r"(?<![这那前好头一二三四五六七八九十\d])几(?![十百千万])|"
                  r"(?<=[一二三四五六七八九])几(?![十百千万年])|"
                  r"(?<!十)几(?=点)|(?<![十\d])几(?=[号楼时])|多少|多久|"
                  r"多长|怎|咋|什么|啥|哪|谁|如何|能不能|可不可以|可以|是否|有没有|要不要|是不是|行不行|开不开|借不借|多[大远]|"
                  # a clause ending in 不, or in 了没(有) ("周日开门不", "有wifi不", "书到
                  # 了没有"; not "先不", "暂时没有")
                  r"(?:(?<=[\u4e00-\u9fffA-Za-z])(?<![我你他她还都也并先暂就再才不])不|了没有?)"
                  r"(?=[\s，,。.！!~～]*$)|"
                  # ... or in 伐 (NANJING_QUESTION_END)
                  f"{NANJING_QUESTION_END}|"
                  # ... or in 没得 after 有 (有没有: "有热水没得"; not "我没得时间")
                  r"(?<![显没])有(?!个)[^，,。？?\s了]{1,8}没得(?=[\s，,。.！!~～？?]|$)|"
                  # ... or in 还不 after 能 (to return: "能去分馆还不"), or in 吧 after 能
                  # (confirming: "卡拿过去也能刷吧")
                  r"能[^，,。？?]{0,12}还不(?=[\s，,。.！!~～]*$)|"
                  # ... not a request or "if it can, fine" ("能帮我报上吧", "能等就等吧")
                  r"能(?!(?P<same>.)就(?P=same))(?![^，,。？?]*(帮我|给我|替我))"
                  r"[^，,。？?]{0,12}吧(?=[\s，,。.！!~～]*$)|"
                  # A不A ("搞不搞", "多不多"; not "不不不", "时不时", "动不动"). A named
                  # group: ASKS.pattern may be embedded once in another pattern, not twice.
                  f"(?P<either>{_EITHER})[不没](?P=either)")
#: asked as A不A alone ("让不让", "收不收"; not 有没有, which also asks what there is)
A_NOT_A = re.compile(f"(?P<either>{_EITHER})不(?P=either)")

#: money the reader owes now ("已经罚了多少", "目前总共欠多少", "扣了我多少"), the clause ending
#: there; not a rule ("逾期每日罚几块钱", "欠多少就不能借了", "办证总共交多少")
OWES = re.compile(r"((罚|扣)了我?|欠了?|(现在|目前|一共|总共)要?(罚|欠|扣)了?|(现在|目前)要?交|"
                  # ... for a loan gone late ("某书超期了 我要交多少")
                  # (not in a case supposed, "如果超期了…", nor of a card: "证过期了")
                  r"(?<!如果)(?<!要是)(?<!万一)(?<!假如)(?<![证卡])(超期|逾期|过期|晚还)了"
                  r"[^，,。？?]{0,8}我(得|要|该)交)多少"
                  r"(块?钱|元|滞纳金|罚款|费用?)?[了啊呀呢吗]*(?=[\s，,。.？?！!~～]|$)")
#: whose card it is: the reader's, or that of a child or relative the reader acts for
CARD_HOLDER = r"(我|他|她|孩子|娃|儿子|女儿|闺女|小孩)"
#: the reader's own account in any words ("我名下有哪些预约", "我卡上", "手头借着",
#: "我是不是有…", "哪本最先到期" but not "哪本要到期时会通知吗", what is owed): a request
#: to an account action unless a rule is asked ("我手上借着书，还能办新证吗"); the NLU
#: signals and the personal actions read it the same way
MY_ACCOUNT = re.compile(r"我(现在|目前)?名下|我账上|我账户|我是不是(还)?有|"
                        # the reader's card, or a child's the reader looks after ("孩子的少儿卡上")
                        f"{CARD_HOLDER}的?(少儿|读者|借书)?[证卡]上|"
                        # what is on loan now, whoever's ("他卡上借着哪些")
                        r"借着(什么|哪些|哪几|啥)|"
                        r"我是不是(还)?欠|我(那|这)本.{0,12}(超期|逾期|过期)|"
                        # the overdue one in hand ("超期那本要交多少")
                        r"(超期|逾期|过期)的?(那|这)本(?!杂志|期刊|报)|"
                        r"我(现在|目前|眼下|这会儿|手上|手头|手里|名下|还){0,2}(借着|在借|约着|欠着)|"
                        r"我(现在|目前|手上|手头|手里|名下|还){0,3}有.{0,6}(几本|哪几本)|"
                        # the books in hand ("手头这些本…", "手里那几本…")
                        r"(手头|手上|手里)(的|这|那)?(几|些)本|"
                        r"哪本书?.{0,2}(最先|先|最早|快要?|马上)到期(了|的是)?[吗呢啊呀]*"
                        r"(?=[\s，,。.？?！!]|$)|"
                        # not how long the queue is ("排队的人多吗")
                        r"排着?队的(?!人)|在排队(?!的人)|"
                        # asked outright to look at the reader's card ("给我看一下这证是何状况")
                        r"(帮忙|帮我|麻烦|给我)(查|看|瞅|瞧)[一]?[下查看瞅瞧]?(我的?|这|我这)张?(读者|借书)?"
                        r"[证卡](?=[，,\s]*[^，,。？?]{0,4}(状况|状态|问题|[怎咋]么?了|情况|能不能用|"
                        r"还能用|过期|有效|正常|停用|停掉|停了|冻结|刷不了|用不了|借不了|无效|回事)|"
                        r"[\s。.！!？?]*$)|"
                        f"{OWES.pattern}")

#: a branch's opening hours asked about ("周二开门不", "几点闭馆", "还没关吧", "上班吗"; not
#: 没关系, "在附近上班", 展览开到…, 改革开放): the one list behind the NLU signals' hours of a named
#: branch and the hours action's own words
#: a part of the day said before a time ("开到夜里9点")
PART_OF_DAY = r"(夜里|晚上|早上|上午|下午|中午|傍晚)"
OPENING = (r"开门|关门|关了?[吧吗么]|没关(?=门|[吧吗么呢？?]|$)|开馆|闭馆|(?<!改革)开放|几点|"
           r"营业|休息|歇|(天天|每天)都?开(?=门|放|馆|着|[吗么不没吧呢的？?\s]|$)|"
           r"开半天|才关|才开(?![展通办设始发课])|开了[吧吗么]|"
           r"[上下]班(?=[吗么不没吧呢伐？?]|时间)|开不开|开[吧吗]|开着|"
           # "周五开不", "明天开没": 开 with the asking word last in its clause
           r"(?<![打公召展览离])(?<!空调)(?<!发票)开[不没伐么嘛](?=[\s，,。.？?！!]|$)|"
           r"[也还]开(?![展通办设始发课])|开[？?！!。]*$")

#: asking where a place is ("在哪", "地址", "在河西哪一块", "门牌号"); not a website's or a
#: mailbox's address ("官网地址多少")
WHERE = (r"在哪|哪里|哪儿|哪一?块|哪一带|什么路|哪条路|门牌|"
         r"(?<!官网)(?<!网站)(?<!网页)(?<!邮箱)(?<!邮件)(?<!链接)(?<!网的)(?<!站的)(?<!公众号)地址")


#: a book the reader has on loan ("我借的《局外人》能再续吗", a message beginning 借的…,
#: also after when: "前阵子借的…", or from where: "我在河西借回来的…")
#: borrowed, and where to ("借回家的", "借回来的")
BORROWED = r"借(回家|回来|出来|来|走)?的"
#: ... by the reader ("我借的", "我在河西借回来的")
I_BORROWED = r"我借的|我(从|在)[^，,。？?！!]{1,6}" + BORROWED
OWN_LOAN = re.compile(r"(" + I_BORROWED + r"|"
                      r"^\W*(上周|上个?月|上次|上回|昨天|前天|前几天|前阵子|前段时间|之前|"
                      r"刚刚?)?" + BORROWED + r")(?!人|时候|话|多|到(?!期)|了|证|卡)|"
                      r"我借了|我在借|我借着")

#: where the reader will pick a hold up ("到河西分馆取", "在总馆领"): one place word, a
#: branch's name or none (without another place word: not the 上 of a title such as
#: 上海的早晨 before 在河西拿), a word of taking (not 取消, 领证, 拿卡)
PICKS_UP = r"[在到去上][^，,。？?！!\s在到去上]{0,8}[取领拿](?![消证卡])"

#: asking outright for a hold, even in a question's words ("可否帮我预约《X》", "这本能帮我
#: 约一下不"): a request, not a question (the NLU signals and the holds read it the same way)
ASKS_TO_RESERVE = re.compile(r"(帮我|给我|替我)(预约|预定|预订|约)(?![的了过])"
                             r"(?!.{0,3}(馆员|工作人员|时间|参观|进馆))")
#: ... and nothing more asked after it ("…能替我约上一本不"; not "替我约这本，电子版在哪看")
POLITE_HOLD_REQUEST = re.compile(r"(帮我|给我|替我)(预约|预定|预订|约)(?![的了过])"
                                 r"[一上下本这那它个]{0,4}(吗|不|么|嘛|好吗|行吗|可以吗|好不好|行不行)?[？?。.！!~～\s]*$")

#: a guess the reader wants confirmed, at the end of a clause ("应当行吧", "早就撤了吧，…")
GUESSED = re.compile(r"吧(?=[\s，,。.？?！!~～]|$)")

#: a clause ending in 没 after 有, 了 or 过 asks ("开了微博没，想关注"; not "江宁那边没有", a
#: statement): the FAQ's rule questions and the cutting of questions alike
NOT_YET_ASKED = r"(?:有|了|过)[^，,。？?！!\s]{0,8}没有?(?=[\s，,。.！!~～]|$)"
#: asking after a hold already placed ("之前预约的三体能取了没", "我有预约在排队吗",
#: "上周约的那两本能拿了吗")
HOLD_STATUS = re.compile(r"((预约|预定|我约)(的|了|过)|"
                         # ... some time ago, of a book (not an event, a seat, a librarian)
                         r"(之前|前阵子|前几天|上次|上周|先前|早先)约(的|了|过)"
                         r"(?![^，,。？?！!]{0,6}(讲座|讲坛|活动|故事会|诗会|手工|培训|自习|座|研讨|"
                         r"场地|房间|直播|馆员|时间)))"
                         r".{0,12}(到了|到馆|能取(?!消)|可以取(?!消)|能去?拿|可以去?拿|"
                         r"了没|了吗|排到)|"
                         r"预约.{0,3}(在排队|排到)")
#: ... not how holds work ("预约的书到了能保留几天", "预约的书到了会通知我吗", whether a
#: text message comes, whether family may fetch it, what it costs)
HOLD_RULE = re.compile(r"(?<![前这那好])几天|多久|多长|怎么|怎样|如何|什么|规定|会不会|通知|一般|"
                       r"代取|别人|不去|带|短信|提醒|消息|家里人|家人|帮忙|收费|钱")
#: ... how long a hold that came in is kept, or what happens if it is not fetched ("到馆的书能
#: 保留到几号", "忘了去领会怎么样"): the rules', even of the reader's own hold
HOLD_KEPT = re.compile(r"(留|保留|放)到(什么时候|啥时候|几号|哪天|哪一天)|"
                       r"(留|保留|放)(几天|多久|多长)|"
                       r"(没空|没时间|不去|忘了|来不及)[^，,。？?！!]{0,3}[取拿领][^，,。？?！!]{0,4}"
                       r"(会|咋|怎)")
#: ... nor where holds are picked up ("预约的书到馆后去哪儿领")
ASKS_WHERE = re.compile(r"[去上在到]哪|哪[里儿]")
#: ... unless the hold's status is asked too ("预约的书到了吗，去哪个馆拿")
STATUS_ASKED = re.compile(r"了[吗么没]")


def asks_after_a_hold(plain: str) -> bool:
    """Asks after the reader's own holds already placed (their status), not how holds
    work or where they are picked up (the NLU signals and the holds read it the same way)."""
    return (HOLD_STATUS.search(plain) is not None and HOLD_RULE.search(plain) is None
            and HOLD_KEPT.search(plain) is None
            and not (ASKS_WHERE.search(plain) and not STATUS_ASKED.search(plain)))


#: someone in charge ("管事的", "负责人") ...
IN_CHARGE = "管事的|负责人|主管"
#: ... asked for, to come and talk ("找管事的出面"; not "要找负责人审批吗", "叫负责人签字"):
#: a person, for the NLU signals and the handoff alike
IN_CHARGE_ASKED = re.compile(f"(找|叫)个?({IN_CHARGE})(?=来|出来|出面|过来|吧|跟我|和我|\\W*$)")


#: books named only as examples of a kind ("比如某书", "某书 某书那类工具书"): the kind's
#: rule is asked, not for those books
NAMES_EXAMPLES = re.compile(r"比如|例如|譬如|(这种|这类|那种|那类|之类的?|一类的?)"
                            r"[^，,。？?\s]{0,4}(书|杂志|期刊|报纸|资料|绘本|小说|读物)")
#: what the reader's account or the rules are about ("有逾期的书吗", "关于丢失的书怎么赔"):
#: no author, nor a topic of books, nor a book asked for
ACCOUNT_OR_RULE = re.compile(r"逾期|超期|到期|欠|到馆|丢|损坏|赔|罚|怎么|多少|规定|处理")
#: a book asked for ("替小侄子挑本讲星星的图画书", "想借套中国通史", "有某作家的书吗", "那套
#: 科幻有没有"): to find one, to borrow or read one, books of someone's, a set named … (not
#: 本周, 本人, 本地, 本科; not the books one returned, gave or brings: "还的书没消掉")
BOOK_WANTED = re.compile(
    r"(?:找|挑|推荐|荐)(?:一|几|两)?(?:本|套)(?!书?馆)(?![周月期年日地人科届次])|"
    r"(?<![能可])(?:借|读|看)一?(?:本|套)(?!馆)(?![周月期年日地人科届次])(?!书?[要得能可多])|"
    r"(?<![还捐赠带约借送己])的(?:书|绘本|小说|传记|读物|童话)(?:吗|么|有没有|有吗|有没)|"
    r"(?:那本|这本|那套|这套)[^，,。？?]{0,6}(?:有吗|有没有|有没|在吗|还有吗|借得到)|"
    # books asked for by what they tell ("有没有讲孩子怕黑的绘本")
    r"(?:有没有|有没得|有无|阿有)(?:讲(?![座坛课解究])|关于|写)[^，,。？?]{1,16}的"
    r"(?:书|绘本|小说|读物|童话|图画书)(?![桌法展单包架柜店面签城])|"
    # ... told first, then asked after ("讲某场战役前后的纪实 有吗")
    r"(?:^|(?<=\s))(?:讲(?![座坛课解究])|关于)[^，,。？?\s]{1,16}的"
    r"(?:书|绘本|小说|纪实|传记|回忆录|读物|童话|图画书)\s*(?:吗|么|有吗|有么|有没有|有没得?)|"
    # a writer's book named after 那本 ("某作家那本某书 有没得")
    r"^[\u4e00-\u9fff·]{2,5}那本(?!书)[^，,。？?]{2,12}?\s*(?:有吗|有没有|有没得?|有伐)")
#: ... unless the message asks a rule (how, in any words: 咋 too), about an account or a
#: card, of a library, of events or of audio and e-books ("小孩要借本成人读物，用少儿证行吗",
#: "无锡那边的馆周末开不开，想顺路借本书", "手机上能听的书有吗")
NOT_A_BOOK_WANTED = re.compile(f"{ACCOUNT_OR_RULE.pattern}|"
                               r"限制|外借|续借|续期|捐|押金|如何|怎样|咋|能不能|可不可以|可以|为什么|"
                               r"我借的|我的|图书馆|南图|省馆|证|(?<!夫)卡(?!夫)|几点|开门|开不开|"
                               r"闭馆|活动|讲座|报名|听的|听书|能听|有声|电子|数字资源")


def wants_a_book(plain: str) -> bool:
    """Whether a (normalised) message asks for a book, and nothing of the rules: the
    catalogue's answer, even "not found", is what it wants, not an FAQ entry that
    shares its words (孩子 with the children's card, 借 with the loan period)."""
    return bool(BOOK_WANTED.search(plain)) and not NOT_A_BOOK_WANTED.search(plain)


#: a case supposed ("万一", "要是赶上"): what is asked of it is a rule
SUPPOSES = re.compile(r"万一|如果|要是|假如|假设|假使|碰上|遇上|赶上")
