"""FAQ answers as the reader gets them (the answer, a note for unconfirmed entries, the
link, related questions as buttons), and the FAQ as a second opinion: a question about
the library's rules that the NLU took for a request ("参加活动要交钱吗" for the events
list, "预约的书到了去哪取" for a hold) gets the FAQ's answer when the FAQ is sure."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any, ClassVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.context import branch_pointed_back, is_follow_up, previous, previous_text
from actions.library import LibraryAction, channel_of, payload, services
from bot.booking_words import EVENT_WORDS, FEE, SPACE_WORDS
from bot.branches import OTHER_LIBRARY, branch_aliases
from bot.card_numbers import CARD
from bot.channels.questions import QUOTED_TITLE
from bot.outcome import outcome
from bot.question_words import ASKS, MY_ACCOUNT, NOT_YET_ASKED, OWN_LOAN, clauses
from bot.services.faq_model import FaqAnswer
from bot.services.faq_retrieval import STOPWORDS, cjk_length, literal_bigrams
from bot.services.search_text import normalise, tokens

#: asking what to do about a mishap ("借的书被狗啃了，咋整"): the rules' answer, even
#: about the reader's own loans or holds
WHAT_TO_DO = re.compile(r"怎么办|咋办|咋整|怎么处理|如何处理|怎么弄|咋弄|怎么赔|咋赔|如何赔")
#: ... or why something was done to it ("为啥证被停了"): the rules are the answer the
#: assistant has, even after the reader's own card was refused (not "为什么我预约的书还没
#: 到", which the holds list answers)
WHY = re.compile(r"(为啥|为什么|为何|怎么会|凭什么).{0,6}[被给]")
#: ... or where something is done ("到馆的预约书去几号台取"; in one clause: not "馆在哪，
#: 我去办证"), or whom to turn to ("投诉找谁"): the same for everyone
WHERE_TO = re.compile(r"[去上到在]哪(?![天号])[^天号，,。？?！!\s]{0,4}?[取领拿还办交]|"
                      r"找(哪里|哪儿|谁|哪个部门)|联系哪|"
                      # where a loan may go back to ("在区馆借的书能还到总馆不")
                      r"借的[^，,。？?！!]{0,12}(能|可以|能不能)还到(?!期)")
#: ... or the loss of a loan told, which asks it as plainly ("借的某书落在网约车上了，司机说没看到")
LOSS_TOLD = re.compile(r"丢了|弄丢|搞丢|丢失|落在.{0,10}了|找不(到|着|见|回来)了|被偷")
#: the words that make a message about the reader's own books a rule question
RULE_WORDS = re.compile(f"{WHAT_TO_DO.pattern}|{WHY.pattern}|{WHERE_TO.pattern}")
#: ... of which how to go about it or whom to turn to is no rule question beside a request
#: made outright ("帮我把那场取消，怎么弄": do it)
HOW_OR_WHOM = re.compile(r"怎么弄|咋弄|找(哪里|哪儿|谁|哪个部门)|联系哪")
OUTRIGHT = re.compile(r"帮我|给我|替我")


def asks_a_rule(text: str) -> bool:
    """Whether the words of a message about the reader's own books make it a rule question
    (RULE_WORDS, less HOW_OR_WHOM beside a request made outright)."""
    return RULE_WORDS.search(HOW_OR_WHOM.sub("", text) if OUTRIGHT.search(text) else text) \
        is not None or loss_told(text)


def loss_told(text: str) -> bool:
    """Whether a message tells the loss of one of the reader's loans, and asks nothing
    to be done ("…找不着了，帮我查借了哪几本" asks for the loans)."""
    return bool(OWN_LOAN.search(text) and LOSS_TOLD.search(text) and not OUTRIGHT.search(text))


def mishap_told(text: str) -> bool:
    """Whether a message asks what to do about a mishap, or tells the loss of a loan."""
    return bool(WHAT_TO_DO.search(text)) or loss_told(text)


#: words that ask about a rule or a fact rather than for something to be done
RULE_QUESTION = re.compile(
    r"吗|么|呢|[?？]|能不能|可不可以|可以|会不会|要不要|需不需要|需要|是否|多久|几天|多长|"
    r"多少|收费|交钱|免费|为什么|是什么|是个?啥|啥意思|干嘛|什么用|规定|注意|"
    f"{NOT_YET_ASKED}|"
    + WHAT_TO_DO.pattern)
#: ... and the words of any question ("哪年开放的", "在哪看", "是怎样的", "有没有")
QUESTION = re.compile(f"{RULE_QUESTION.pattern}|{ASKS.pattern}")
#: where a sentence ends (not a comma: "帮我约了，总馆取" is one request)
SENTENCE_END = re.compile(r"[。；;！!？?\n]")
#: a request made outright, for the reader ("帮我约上"), and one that only announces a
#: question ("我想打听个事")
OUTRIGHT = re.compile(r"帮我|给我|替我|麻烦|劳驾")
ASKING_TO_ASK = re.compile(r"问|咨询|了解|请教|打听")
#: the reader's own in any words ("我", "帮忙", "这张证", "手上")
PERSONAL = re.compile(r"我|咱|帮忙|麻烦|这张|手上|手头|手里|家里")
#: asking to look something up ("帮我查查", "看一下")
LOOKS_UP = re.compile(r"查|看下|看看|看一下|瞧瞧|瞅瞅")
#: asking what the rules allow ("可以吗", "怎么办"), not about one's own account ("欠费了吗")
ASKS_A_RULE = re.compile(r"可以|能不能|可不可以|允许|行不行|规定|要不要|会不会|"
                         r"需不需要|要紧|有关系|没关系吧|有影响|会怎样|按天|怎么算|"
                         r"途径|渠道|方式|办法|怎么(操作|弄|办理|用)|如何|多久|"
                         # how many days, not days told ("晚了好几天", "前几天"; but "要好几天
                         # 吗" asks)
                         r"(?<![好这那前])几天|好几天(?=[吗么呢？?])|"
                         # how a loan goes back ("借到的书又怎么还"; not "怎么还没到", "怎么
                         # 还提示超期")
                         r"(怎么|咋|如何)还(书|回去|回来)?(?=[呀啊呢吗？?，,。\s]|$)|"
                         + WHAT_TO_DO.pattern)
#: asking whether something may be done for someone else or in a case that may arise
#: ("家里人用我的证能借吗", "要是出差赶不回来可以吗"), or how ("怎么延期"): a rule even
#: about one's own card or books ...
ASKS_IF_ALLOWED = re.compile(r"(孩子|小孩|娃|宝宝|儿子|女儿|家人|家里人|老人|长辈|亲戚|别人|他人|"
                             r"(?<!其)[他她]|老公|老婆|爱人|爸|妈|朋友|同学|如果|万一|要是).*(可以|能不能|"
                             r"可不可以|允许|行不行|"
                             r"能[^吗么]{1,8}(?:[吗么]|不\W*$))|怎么(延长|延期|退)")
#: ... unless it asks for something to be done ("帮我看看能续吗") or about the account as
#: it stands ("我的证现在还能用吗")
ASKS_FOR_ACTION = re.compile(r"帮我|给我|替我|查一下|查查|看看|我要|我想|现在|目前|还能|还可以")
#: asking whether the library has something (not "我有没有…", "我手上还有没有…", the
#: reader's own)
LIBRARY_HAS = re.compile(r"(?<!我)(?<!我还)(?<!我[手身名]上)(?<!我手[里头])(?<!我名下)"
                         r"(?<![上里头下]还)(有没有|有木有|有没)")
#: a premise the reader wants confirmed ("国庆节闭馆一个星期对吧", "还在长江路262号吧",
#: "在中山东路189号，没错吧", "直接导航过去就行吧")
PREMISE = re.compile(r"对吧|是吧|对不对|没错吧|没错吗|没记错|就行吧|真的假的|是真的吗|是不是真的|"
                     r"([的了是]|(就是|还在|不是|那是|这是).{1,20})吧[？?。！!]*$")

#: the library's own names say nothing about which question is meant (the NLU's
#: branch 金陵图书馆 neither: "金陵图书馆是私人开的吧" asks no address)
LIBRARY_NAMES = {"金陵图书馆", "金陵", "金图", "本馆", "馆里", "你们", "贵馆"}

#: a question this short leaves its subject to the previous one ("要押金吗", "要交钱吗")
ELLIPTICAL = 5
CJK_CHARS = re.compile(r"[\u4e00-\u9fff]")

PLACEHOLDER_NOTE = "（本条信息待图书馆确认，请以官网公告或服务台答复为准。）"


def answered(answer: FaqAnswer) -> dict[str, Any]:
    return outcome("faq", id=answer.key)


def related(answer: FaqAnswer) -> list[dict[str, str]]:
    """Buttons for the questions readers often ask next (offered after an answer)."""
    return [{"title": f"相关：{title}", "payload": payload("ask_policy", faq_id=str(entry))}
            for entry, title in answer.suggestions]


def answer_text(answer: FaqAnswer) -> str:
    text = answer.answer
    if answer.placeholder:
        text += "\n" + PLACEHOLDER_NOTE
    if answer.link:
        text += f"\n详情：{answer.link}"
    return text


def say(dispatcher: CollectingDispatcher, answer: FaqAnswer) -> None:
    """The answer as the reader gets it, with related questions after it."""
    dispatcher.utter_message(text=answer_text(answer), buttons=related(answer),
                             **answered(answer))


def offer_menu(dispatcher: CollectingDispatcher, tracker: Tracker, answer: FaqAnswer) -> None:
    """"您是不是想问" with the FAQ's candidates (the question goes to the unanswered
    inbox: the FAQ was unsure)."""
    services().knowledge.record_unanswered(tracker.latest_message.get("text", ""),
                                           channel_of(tracker), "unsure")
    dispatcher.utter_message(
        text="您是不是想问：",
        buttons=[{"title": title, "payload": payload("ask_policy", faq_id=str(entry))}
                 for entry, title in answer.suggestions]
        + [{"title": "都不是，转人工", "payload": "/request_human"}],
        **outcome("faq_menu", ids=[code for code, _title in answer.suggestions]),
    )


def answer_in_context(tracker: Tracker, question: str, lenient: bool = False) -> FaqAnswer:
    """The FAQ's answer to the question, read together with the reader's previous
    message when the previous answer came from the FAQ and the question is short
    ("要押金吗" after an answer about the reader card) or unclear on its own (or with
    what a refused verification said of the card: see context_of), unless
    that only repeats the previous answer and the question has its own; or when, read
    so, the FAQ ranks another entry above the question's own answer. A question
    long enough to stand alone that the previous message would only turn back to the
    previous answer ("金图有微博吗？官网又是哪个") asks something new: its own answer or
    candidates. `lenient`: see SqlKnowledge.answer."""
    knowledge = services().knowledge
    if (asked := fee_of_an_event(tracker, question) or place_of_an_event(question)) is not None:
        return knowledge.answer(asked, lenient)
    context, given = context_of(tracker)
    if not context:
        return knowledge.answer(question, lenient)
    length = len(CJK_CHARS.findall(question))
    short = length <= ELLIPTICAL
    alone = knowledge.answer(question, lenient)
    if alone.kind == "answer" and length > 2 * ELLIPTICAL:
        return alone  # long enough to stand alone
    in_context = knowledge.answer(f"{context} {question}", lenient)
    if ranked_first := context_ranks_first(in_context, alone, given):
        return ranked_first  # "年龄有限制吗" after how to volunteer: the volunteers' rules
    if alone.kind != "answer" and not short and ASKS.search(question) \
            and (beyond := beyond_the_answer_given(in_context, alone, given, question)):
        return beyond  # "我退休了 这把年纪也收吗" after how to volunteer: the same
    if alone.kind == "answer" and not short:
        return alone
    if in_context.kind == "answer" and in_context.key != given:
        return in_context
    if lenient and short and alone.kind != "answer" and names_its_own(question, alone) and (
            going_on := continues_the_topic(alone, given)
            or continues_the_topic(in_context, given)):
        # "那押金呢" after how to get a card: the card's deposit (a rule question, not a
        # request the FAQ is consulted for first: "哪天要还" after another answer)
        return going_on
    # read together, a short question would only repeat the previous answer; on its
    # own it may name a subject of its own ("是几级馆" after the size of the
    # collection, "那押金呢" after what to bring), or none ("那要花钱吗")
    if not (short and in_context.kind == "answer") or names_its_own(question, alone):
        return alone
    return in_context


#: what a question pointing back at a branch is read with: what it is, by its kind (the
#: FAQ's rules speak of 区图书馆 and 分馆; a member library's own name would draw the entry
#: that says it is another library)
PLACE_CONTEXT = {"network": "区图书馆", "branch": "分馆"}
#: what a question after the events listed is read with, when it points at one of them
#: ("那场收费吗"; not "怎么续借", which asks its own)
EVENTS_CONTEXT = "图书馆的活动"
POINTS_AT_AN_EVENT = re.compile(r"[这那]一?[场期次]|[这那]个(活动|讲座|课)|它")
#: what a refused verification tells of the card, as the context of the next question
#: ("要怎么恢复" after "读者证已停用")
REFUSED_CARD = {"blocked": "读者证已停用", "expired": "读者证已过期",
                "locked": "密码错误读者证被锁定"}


def saying(tracker: Tracker, text: str) -> Tracker:
    """The tracker as if the reader's latest message had been only `text` (one sentence of
    it), with the entities found in that sentence."""
    raw = tracker.latest_message.get("text", "")
    told = copy.copy(tracker)
    told.latest_message = {**tracker.latest_message, "text": text, "entities": [
        entity for entity in tracker.latest_message.get("entities", [])
        if (entity.get("start") is not None and entity.get("end") is not None
            and raw[entity["start"]:entity["end"]] in text)
        or str(entity.get("value", "")) in text]}
    return told


#: one of the events just listed, or the one being signed up for, pointed at ("讲秦淮河的那个
#: 收费不": 这个 / 那个 right before the fee)
POINTS_AT_ONE = re.compile(f"{POINTS_AT_AN_EVENT.pattern}|"
                           r"[这那]个(?=\W*(要|收|得|需|花|交|免|多少))")
#: fees of other things than an event: a deposit, a card, copies, a database, a locker, a
#: room ("培训区收费吗")
OTHER_FEES = re.compile(f"押金|证|卡|复印|打印|停车|罚|逾期|超期|丢|赔|预约图书|培训区|数据库|"
                        r"(?i:wi-?fi)|网络|上网|无线|"
                        f"电子|柜|室|{SPACE_WORDS.pattern}")


#: the characters besides the fee's words of a fee asked of nothing named ("那收费伐")
BARE_FEE_EXTRA_CHARS = 2


def fee_of_an_event(tracker: Tracker, question: str) -> str | None:
    """A fee asked of an event named by its kind ("诗会收费吗", "故事会那场收不收费"), or
    of one pointed at after the events were listed, while a sign-up's card is asked or
    right after it ("讲秦淮河的那个收费不", "我先打听下这个要不要钱"): the question as one
    about the library's events, which the event's own words (a children's activity, a
    book) had drawn elsewhere. None for any other question."""
    fee = FEE.search(question)
    if fee is None or OTHER_FEES.search(question):
        return None
    # ... or asked of nothing else ("收费伐" after the events asked for in the same message)
    bare = len(CJK_CHARS.findall(FEE.sub("", question))) <= BARE_FEE_EXTRA_CHARS
    pointed = (any(previous(tracker, kind) is not None for kind in ("events", "event_signup"))
               or tracker.get_slot("pending_request") == "sign_up") \
        and (POINTS_AT_ONE.search(question) or bare)
    if not (EVENT_WORDS.search(question) or pointed):
        return None
    return f"{EVENTS_CONTEXT} {fee.group()}吗"


#: where something is held, asked ("在什么地方举行"; not where a recording is watched
#: nor where one signs up: "讲座在哪看回放", "在哪报名")
HELD_WHERE = re.compile(r"在哪(?![天日一个时])|哪里[办举开]|哪个地方|什么地方|哪块|几楼|哪个厅|"
                        r"哪一层|哪[办开]")
NOT_WHERE_HELD = re.compile(r"回放|视频|录像|直播|报名|报|买|借|看|查|知道|通知|公布|预告|"
                            r"哪天|时间|几号|几点|分馆|"
                            # ... nor where something else is, on the day ("车停在哪",
                            # "厕所在哪", "在哪签到", "证书在哪领")
                            r"停|车|厕所|卫生间|洗手间|放|存|领|签到|证书|吃|喝")


#: how far after the event's word where it is held is asked ("故事会一般在什么地方办") ...
WORDS_BETWEEN = 6
#: ... with nothing else named between them ("故事会 金图在哪里", "活动结束了 还书在哪")
ANOTHER_PLACE = re.compile(r"馆(?!里)|图|书|室|证|还|借")


def place_of_an_event(question: str) -> str | None:
    """Where an event named by its kind is held ("故事会一般在什么地方办"): the question as
    one about where the library's events are held, which the event's own words had drawn
    elsewhere (the library itself, its study rooms). None for any other question."""
    event = EVENT_WORDS.search(question)
    where = HELD_WHERE.search(question, event.end()) if event else None
    between = question[event.end():where.start()] if event and where else ""
    if where is None or len(between) > WORDS_BETWEEN or ANOTHER_PLACE.search(between) \
            or NOT_WHERE_HELD.search(question):
        return None
    return f"{EVENTS_CONTEXT}在哪里举办"


def context_of(tracker: Tracker) -> tuple[str, str]:
    """What the next question may be read with: the reader's previous message after an
    FAQ answer (and that entry's id), the branch just answered about when the question
    points back to it, the events after they were listed, or what a refused
    verification said of the card ("" when none)."""
    if earlier := previous(tracker, "faq"):
        return previous_text(tracker), earlier.get("id") or ""
    if pointed := branch_pointed_back(tracker):  # "卡拿过去也能刷吧" after a branch's hours
        branch = services().info.find_branch(pointed)
        return (PLACE_CONTEXT.get(branch.kind, branch.name) if branch else ""), ""
    text = tracker.latest_message.get("text", "")
    if previous(tracker, "events") and POINTS_AT_AN_EVENT.search(text):
        return EVENTS_CONTEXT, ""  # "那场收费吗" after the events listed
    if tracker.get_slot("pending_request") == "sign_up" and POINTS_AT_AN_EVENT.search(text):
        return EVENTS_CONTEXT, ""  # "那场要交费吗" while the card for a sign-up is asked
    refused = previous(tracker, "login_failed") or {}
    return REFUSED_CARD.get(refused.get("reason") or "", ""), ""


def context_ranks_first(in_context: FaqAnswer, alone: FaqAnswer, given: str
                        ) -> FaqAnswer | None:
    """The entry the FAQ ranks first for a question read in context, when it is unsure
    of it but ranks it above the answer the question gets alone (one of its candidates
    too), and it is another entry of the topic just answered (`given`): the previous
    message decides what the question is about."""
    ids = [entry for entry, _title in in_context.suggestions]
    if alone.kind != "answer" or alone.entry_id not in ids[1:]:
        return None
    return continues_the_topic(in_context, given)


def continues_the_topic(menu: FaqAnswer, given: str) -> FaqAnswer | None:
    """The first candidate of a follow-up's menu (read alone or in context), when it is
    another entry of the topic just answered (`given`'s category): the reader goes on
    with that topic ("那押金呢" after how to get a card is the card's deposit, not a
    hold's fee)."""
    ids = [entry for entry, _title in menu.suggestions]
    if menu.kind != "suggest" or not ids or not given:
        return None
    first = services().knowledge.published_answer(ids[0])
    same_topic = first is not None and first.key != given \
        and first.key.split("-")[0] == given.split("-")[0]
    return first if same_topic else None


def beyond_the_answer_given(in_context: FaqAnswer, alone: FaqAnswer, given: str,
                            question: str) -> FaqAnswer | None:
    """Read in context, a question the FAQ cannot answer alone ranks first (answers, or
    offers first) the entry just given, though it shares no word with that entry's
    question: it asks on about the topic, and the next entry ranked, another entry of
    the topic, is its answer. Not when the question's own first candidate is of that
    topic already (then it names what it asks: "那某路那头坐地铁咋去" after the
    address)."""
    ids = ([in_context.entry_id] if in_context.kind == "answer" else []) + [
        entry for entry, _title in in_context.suggestions]
    if len(ids) < 2 or None in ids[:2]:
        return None
    knowledge = services().knowledge
    topic = given.split("-")[0]
    own = knowledge.published_answer(alone.suggestions[0][0]) if alone.suggestions else None
    if own is not None and own.key.split("-")[0] == topic:
        return None
    first, second = knowledge.published_answer(ids[0]), knowledge.published_answer(ids[1])
    if first is None or second is None or first.key != given or names_its_own(question, first):
        return None
    return second if second.key.split("-")[0] == topic else None


#: verbs of need and possibility: a pair that starts with one names no subject
MODALS = frozenset("要能会可得需")


def names_its_own(question: str, answer: FaqAnswer) -> bool:
    """Whether the question shares words with the entry it gets alone (its answer or
    its first candidate): a subject of its own ("那押金呢": 押金), not an ellipsis of the
    previous one ("要交钱吗" shares only 要交, a modal verb's pair, with 办证要交押金吗)."""
    asked = answer.question if answer.kind == "answer" else (
        answer.suggestions[0][1] if answer.suggestions else "")
    shared = literal_bigrams(question) & literal_bigrams(asked or "")
    return any(pair[0] not in MODALS for pair in shared)



def answer_or_menu(dispatcher: CollectingDispatcher, tracker: Tracker, question: str,
                   lenient: bool = False) -> bool:
    """The FAQ's answer, else its candidates; says whether it had either."""
    return give(dispatcher, tracker, answer_in_context(tracker, question, lenient))


#: the FAQ's entries on borrowing, where a mishap with a loan is answered (their keys)
BORROWING_ENTRY = "borrowing-"
#: ... and the one on a loan lost, which a loss told answers however the story goes
LOST_LOAN_ENTRY = "borrowing-008"


def mishap_answered(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"前阵子借的某书淋湿了，怎么处理": what to do about the reader's own loan is the
    FAQ's rule, whatever book (or volume of it) the message names; says whether it answered.
    Among candidates, the one entry on borrowing answers it: the book is a loan, not a
    card or a thing left in the library, however alike the stories of losing them are."""
    text = tracker.latest_message.get("text", "")
    plain = normalise(text)
    if not (OWN_LOAN.search(plain) and mishap_told(plain)) and not another_loan_lost(tracker):
        return False
    if loss_told(plain) and not A_CARD.search(plain) and not FOUND_OR_DAMAGED.search(plain) \
            and (lost := lost_loan_entry()):
        # "借来的书搁在背包里，背包被偷了": the story's bag or theft drew the card's loss or
        # things left in the library; the loan lost is the book
        return give(dispatcher, tracker, lost)
    answer = answer_in_context(tracker, text, lenient=True)
    if answer.kind == "suggest":
        knowledge = services().knowledge
        entries = [found for entry_id, _ in answer.suggestions
                   if (found := knowledge.published_answer(entry_id)) is not None]
        borrowing = [entry for entry in entries if entry.key.startswith(BORROWING_ENTRY)]
        answer = borrowing[0] if len(borrowing) == 1 else answer
    return give(dispatcher, tracker, answer)


#: ... not a card's ("证也找不到了")
A_CARD = re.compile(r"证|卡")
#: ... nor a book found again, or damaged ("后来找到了", "弄丢了一页"): not lost
FOUND_OR_DAMAGED = re.compile(r"找到了|找着了|找回|送回|还回来|撕|破|坏|一页|几页|湿|脏")


def lost_loan_entry() -> FaqAnswer | None:
    """The published entry on a loan lost, if the library keeps one."""
    knowledge = services().knowledge
    entry_id = knowledge.entry_ids().get(LOST_LOAN_ENTRY)
    return knowledge.published_answer(entry_id) if entry_id is not None else None


def another_loan_lost(tracker: Tracker) -> bool:
    """"还有一本搬家后找不着了" right after the FAQ's answer about a loan: another loan
    lost, told without saying it is one."""
    plain = normalise(tracker.latest_message.get("text", ""))
    answered_before = str((previous(tracker, "faq") or {}).get("id", ""))
    return (answered_before.startswith(BORROWING_ENTRY) and LOSS_TOLD.search(plain) is not None
            and not A_CARD.search(plain))


def give(dispatcher: CollectingDispatcher, tracker: Tracker, answer: FaqAnswer) -> bool:
    """Says the answer, or offers the candidates; says whether there was either."""
    if answer.kind == "answer":
        say(dispatcher, answer)
    elif answer.kind == "suggest":
        offer_menu(dispatcher, tracker, answer)
    return answer.kind != "none"


def answer_if_certain(dispatcher: CollectingDispatcher, tracker: Tracker,
                      question: str, lenient: bool = False,
                      kept_back: frozenset[str] = frozenset()) -> bool:
    """Gives the FAQ's answer if retrieval is confident and it is not one of `kept_back`
    (entries the caller answers better itself); says whether it did. `lenient`: see
    SqlKnowledge.answer."""
    answer = answer_in_context(tracker, question, lenient)
    if answer.kind != "answer" or answer.key in kept_back:
        return False
    say(dispatcher, answer)
    return True


#: its name in full, which the FAQ's entries on it use
OTHER_LIBRARY_NAME = "南京图书馆"
#: ... unless the message names this library too ("我刚从南京图书馆出来，金图几点关门")
THIS_LIBRARY = re.compile(r"金陵|金图|"
                          # the city's library as the subject of a clause ("市图书馆大概不收…吧";
                          # not "南京图书馆属于市馆吗", 城市馆)
                          r"(?:^|(?<=[，,。\s]))(?:市图书馆|市图|市馆)")
#: this library, by its name or as where the reader asks ("南图的卡在你们这能用吗")
THIS_LIBRARY_MEANT = re.compile(r"金陵|金图|你们|这里|这边|贵馆|咱们|本馆|市图|市馆|[拿带]过来")
#: the two libraries taken for one ("金图跟省图是一家吧", "两边算一家", "南图算你们总馆吧";
#: not "是同一天闭馆吗", "我们一家人", "就是想问南图…")
TAKEN_FOR_ONE = re.compile(r"[是算](不是)?(同一个|同一家|一家|一个(馆|单位|图书馆))|不就是|"
                           r"一回事|一码事|"
                           r"就是[^，,。？?想问说]{0,8}?(省图|南图|南京图书馆|金图|金陵)|"
                           r"[是算].{0,3}总馆|合并")
#: ... using something there ("省图的证在这边能刷吗"; not "从你们这边去省图咋走")
USED_HERE = re.compile(r"用|借|认|刷|还")
#: ... the other library's card ("南图的证", "省图办的卡")
OTHERS_CARD = re.compile(f"({OTHER_LIBRARY.pattern})[^，,。？?！!]{{0,4}}[证卡]")
#: either library's name, which says nothing of what is asked about it
LIBRARY_NAMES_ANYWHERE = re.compile(f"{OTHER_LIBRARY.pattern}|{THIS_LIBRARY.pattern}|图书馆")


def about_the_other_library(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """"南京图书馆几点关门", "你们能帮我借南京图书馆的书吗": the FAQ's entry on the other
    library (its answer or one of its candidates), not this library's hours, address or
    the reader's account. Says whether it answered."""
    text = normalise(tracker.latest_message.get("text", ""))
    # the other library named anywhere ("想去南京图书馆办证，他们那收押金吗"); this one or
    # a branch only where a question asks about it, not named beside it ("南图究竟在哪
    # 总把它和金图弄混")
    asked = "，".join(part for part in clauses(text) if QUESTION.search(part)) or text
    if not OTHER_LIBRARY.search(text):
        return False
    one_sentence = len([part for part in SENTENCE_END.split(text) if part.strip()]) == 1
    if one_sentence and THIS_LIBRARY_MEANT.search(text) and TAKEN_FOR_ONE.search(text):
        # "金图跟省图是一家吧" (a sentence more may ask this library's own: its address)
        found = entry_on_the_two_libraries(text)
    elif (THIS_LIBRARY.search(asked) or any(alias in asked for alias, _name in branch_aliases())) \
            and not (OTHERS_CARD.search(text) and USED_HERE.search(asked)):
        return False  # (but "南图的证 市图能用吗": that library's card, used here)
    else:
        found = other_library_entry(text)
    if found is not None:
        say(dispatcher, found)
    return found is not None


def other_library_entry(text: str) -> FaqAnswer | None:
    """The FAQ's entry on the other library that a (normalised) message naming it asks
    about: of the entries naming it that the message or the name alone draws, the one
    sharing most words with the rest of the message, this library counting as a word when
    the message speaks of it ("南图的证在你们这能用吗": its card here);
    when none shares any ("南图礼拜三几点开", "南图几楼能自习"), the one the name
    alone draws first, which says where that library is: this library's hours, rooms or
    rules would answer what was not asked."""
    drawn, by_name = entries_on_the_other_library(text)
    if not drawn:
        return None
    rest = literal_bigrams(LIBRARY_NAMES_ANYWHERE.sub(" ", text))
    # using something of that library's here ("省图的证在这边能刷吗"), not going there
    here = bool(THIS_LIBRARY_MEANT.search(text)) and bool(USED_HERE.search(text))
    # ... and its card, whatever else is said of it ("省图办的卡 带过来行不行")
    card = OTHERS_CARD.search(text) is not None and not re.search(r"办[证卡]", text)

    def shared(entry: FaqAnswer) -> int:
        question = normalise(entry.question)
        return len(rest & literal_bigrams(LIBRARY_NAMES_ANYWHERE.sub(" ", question))) \
            + (here and bool(THIS_LIBRARY.search(question))) \
            + (card and OTHERS_CARD.search(question) is not None)

    best = max(drawn, key=shared)  # the first of those sharing most
    return best if shared(best) else (by_name or drawn)[0]


def entry_on_the_two_libraries(text: str) -> FaqAnswer | None:
    """The FAQ's entry that asks whether the two libraries are one (naming both and
    TAKEN_FOR_ONE), for a message that takes them for one ("南图算你们总馆
    吧"): the premise corrected, rather than where the other library is."""
    return next((entry for entry in entries_on_the_other_library(text)[0]
                 if THIS_LIBRARY.search(question := normalise(entry.question))
                 and TAKEN_FOR_ONE.search(question)), None)


def entries_on_the_other_library(text: str) -> tuple[list[FaqAnswer], list[FaqAnswer]]:
    """The FAQ's entries naming the other library that the message or its name alone
    draws (each once, the message's first), and those its name alone draws."""
    by_name = entries_naming_the_other_library(OTHER_LIBRARY_NAME)
    drawn = {entry.key: entry for entry in entries_naming_the_other_library(text) + by_name}
    return list(drawn.values()), by_name


def entries_naming_the_other_library(question: str) -> list[FaqAnswer]:
    """The FAQ's answer and candidates for the question that name the other library."""
    knowledge = services().knowledge
    answer = knowledge.answer(question)
    drawn = ([answer] if answer.kind == "answer" else []) + [
        knowledge.published_answer(entry) for entry, _question in answer.suggestions]
    return [entry for entry in drawn
            if entry is not None and OTHER_LIBRARY.search(normalise(entry.question))]


def about(question: str, word: str) -> bool:
    """Whether an FAQ question is about this word: it holds the word or two characters of
    it in a row ("自习区" for "24小时自习室")."""
    question = normalise(question)
    return any(word[i:i + 2] in question for i in range(max(1, len(word) - 1)))


#: a message's search when it names a title or an author the catalogue holds
#: ("黄仁宇的书你们有哪些", "霍乱时期的爱清"): the reply's events, or None if it names none.
#: Filled by actions.catalogue, which builds on this module.
TitleSearch = Callable[[CollectingDispatcher, str], "list[dict[str, Any]] | None"]
BOOK_ENTITIES = frozenset({"title", "isbn", "bib_id", "hold_id", "event_id", "slot_id",
                           "booking_id"})
#: a letter: who the reader is and what happened, then the questions ("我住在河西分馆附近，
#: 周六常去……上周搬家……该怎么办？"). It names branches and days in passing, so an
#: information action's words in it say nothing of what it asks (docs/conversation-
#: design.md, "A letter is a rule question"). The development sets' long messages stop
#: at 84 CJK characters and the NLU hold-outs' at 40: a letter is longer than any.
LETTER = 100


class FaqFirst(LibraryAction):
    """A request action that lets the FAQ answer rule questions first. `requests`: the
    words that make a message a request for this action after all; `personal`: the
    action is about the reader's own account, so anything short of such a request
    ("借的书丢了", "哪些书是不外借的") is the FAQ's if the FAQ is sure, and so is a
    request that asks what to do about a mishap ("我借的书被狗啃了，咋整"). A question to a
    library-wide action that holds a request word and more ("闭馆前多久停止借还",
    "2020年初为什么闭馆了") is the FAQ's too when the FAQ's sure answer is about that
    more (see `words_beyond_request`)."""

    requests: re.Pattern[str] = re.compile(r"$^")
    #: words the action itself answers (its requests when not set)
    own_words: re.Pattern[str] | None = None
    #: questions the action answers itself, whatever else the message names ("借用培训区开
    #: 交流会 周几空出来": the free times, not the FAQ's entry on reading groups)
    own_questions: re.Pattern[str] = re.compile(r"$^")
    #: FAQ entries this action answers better from live data (today's hours, not the
    #: weekly timetable): never given instead of the action
    answers_live: frozenset[str] = frozenset()
    personal = False
    #: a question with none of this action's words and nothing the NLU found in it
    #: ("金图有微博吗？官网又是哪个" to the address) gets the FAQ's candidates, not an
    #: answer to what was not asked
    menu_when_unasked = False
    #: an information action: a letter (LETTER) it is given gets the FAQ's sure answer
    answers_letters = False
    #: the FAQ is asked only when the message is a question ("咨询电话" is asked too
    #: when this is False)
    questions_only = True
    #: words by which a message asks this action about a title ("万历十五年什么时候到期"
    #: to the loans); a message naming a held title without them or the request words
    #: is a search (see TitleSearch)
    about_a_title: re.Pattern[str] = re.compile(r"$^")
    #: words that make a message to a personal action a rule question, whatever else it
    #: says ("我订下那本能保留到几号")
    rule_words: re.Pattern[str] = re.compile(r"$^")
    title_searches: ClassVar[list[TitleSearch]] = []

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        raw = tracker.latest_message.get("text", "")
        text = normalise(raw)  # "書服到家借的書要怎麼還" asks as its simplified words do
        entities = {e.get("entity") for e in tracker.latest_message.get("entities", [])
                    if not (e.get("entity") == "branch" and e.get("value") in LIBRARY_NAMES)}
        # words of its own, not about a result — or about a mishap, whatever book it names
        # ("我借的《X》被咖啡泼了，咋办")
        typed = (not raw.startswith("/") and not is_follow_up(raw)
                 and (not entities & BOOK_ENTITIES
                      or (self.personal and mishap_told(text)))
                 # a card number given with it makes a question about the account a
                 # request ("证号…，这卡停了吗"), not a rule (unless it asks what to do)
                 and not (self.personal and CARD.search(raw) and not mishap_told(text))
                 and not self.asks_about_own(tracker))
        if typed and about_the_other_library(dispatcher, tracker):
            return []
        if self.answers_letters and self.answers_a_letter(dispatcher, tracker):
            return []
        if typed and (self.personal or not self.questions_only or QUESTION.search(text)
                      or PREMISE.search(text)):
            if (self.personal and (asks_a_rule(text) or self.asks_its_rule(text) or (
                    ASKS_IF_ALLOWED.search(text) and not ASKS_FOR_ACTION.search(text)))) or not (
                    self.requests.search(text)
                    or (self.personal and MY_ACCOUNT.search(text)
                        and not ASKS_A_RULE.search(text))):
                answer = answer_in_context(tracker, raw)
                if answer.kind == "suggest" and (
                        (self.personal and (ASKS_A_RULE.search(text)  # "我用我老公的证借书可以吗"
                                            or ASKS_IF_ALLOWED.search(text)
                                            or asks_a_rule(text)
                                            or self.asks_its_rule(text)
                                            or self.names_nothing_of_its_own(text)))
                        or (self.menu_when_unasked and not entities
                            and not (self.own_words or self.requests).search(text))):
                    # a book it names first ("三体在几楼" to the address), else the menu
                    if (events := self.search_title(dispatcher, raw, text)) is not None:
                        return events
                    # the message ends in the FAQ after all: settled as a rule question
                    if not self.settled(dispatcher, tracker):
                        offer_menu(dispatcher, tracker, answer)
                    return []
            elif not self.personal and not self.own_questions.search(text) \
                    and (words := self.words_beyond_request(tracker)):
                answer = answer_in_context(tracker, raw)
                if not any(about(answer.question, word) for word in words):
                    answer = FaqAnswer(kind="none")
            else:
                answer = FaqAnswer(kind="none")
            if answer.kind == "answer" and answer.key not in self.answers_live:
                say(dispatcher, answer)
                if (asked := self.request_beside(raw)) is None:
                    return []
                return self.request(dispatcher, saying(tracker, asked))
        if typed and (events := self.search_title(dispatcher, raw, text)) is not None:
            return events
        return self.request(dispatcher, tracker)

    def answers_a_letter(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Gives the FAQ's sure answer to a letter (LETTER), whatever titles, branches
        and days the NLU found in it — unless it names a title in 《》 or a card number
        (a request of the reader's own); says whether it did."""
        raw = tracker.latest_message.get("text", "")
        if raw.startswith("/") or "《" in raw or CARD.search(raw) or cjk_length(raw) < LETTER:
            return False
        return self.settled(dispatcher, tracker)

    def settled(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
        """Gives the FAQ's answer to the message read as a rule question, if it is sure
        of one this action does not answer better from live data; says whether it did."""
        return answer_if_certain(dispatcher, tracker, tracker.latest_message.get("text", ""),
                                 lenient=True, kept_back=self.answers_live)

    def asks_its_rule(self, text: str) -> bool:
        """Its rule words, unless the reader asks to look ("帮我查查…保留到哪天": the holds
        list shows the day)."""
        return bool(self.rule_words.search(text)) and not LOOKS_UP.search(text)

    def names_nothing_of_its_own(self, text: str) -> bool:
        """A question long enough to stand alone with none of this action's words and
        nothing of the reader's ("本馆啥时候评上一级馆的" to the holds; not "记了多少", nor
        "…帮忙瞧一眼行不")."""
        return (not self.about_a_title.search(text) and not PERSONAL.search(text)
                and len(CJK_CHARS.findall(text)) > 2 * ELLIPTICAL)

    def request_beside(self, text: str) -> str | None:
        """The request when it stands in sentences of its own, asked outright or in the
        action's own words ("我想预约这本"), beside the question the FAQ answered ("这本替我
        约上，江宁取。到时候有通知吗"): then both are answered. A sentence that only
        announces the question ("我想问一下。") or tells the reader's plans ("我要出差一个
        月。") is none."""
        sentences = [part for part in SENTENCE_END.split(text) if part.strip()]
        asked = [part for part in sentences
                 if self.requests.search(part)
                 and (OUTRIGHT.search(part) or self.about_a_title.search(part))
                 and not QUESTION.search(part)
                 and not ASKING_TO_ASK.search(QUOTED_TITLE.sub("", part))]
        questions = [part for part in sentences
                     if QUESTION.search(part) and not self.requests.search(part)]
        return "。".join(asked) if asked and questions else None

    def asks_about_own(self, tracker: Tracker) -> bool:
        """Whether the message asks about something of the reader's own (a loan by its
        title, the holds placed): then it asks this action, never the FAQ."""
        return False

    def search_title(self, dispatcher: CollectingDispatcher, raw: str, text: str
                     ) -> list[dict[str, Any]] | None:
        """The search for a book the library holds that a message without this action's
        words names (see TitleSearch), or None. A personal action's request words give way
        when the message asks whether the library has something ("帮我搜搜有没有…"; not
        "我有没有…")."""
        if (self.requests.search(text) and not (self.personal and LIBRARY_HAS.search(text))) \
                or self.about_a_title.search(text):
            return None
        return next((events for search in self.title_searches
                     if (events := search(dispatcher, raw)) is not None), None)

    def take_reply(self, dispatcher: CollectingDispatcher, tracker: Tracker
                    ) -> list[dict[str, Any]]:
        """"在总馆取吧" to "请选择取书的馆" is the choice, never a question for the FAQ."""
        return self.request(dispatcher, tracker)

    def words_beyond_request(self, tracker: Tracker) -> list[str]:
        """The message's words without the action's own words, the entities it uses
        (branch, day …) and words that name no topic: if the FAQ's sure answer is about
        one of them, the reader asks about that, not for the action."""
        raw = tracker.latest_message.get("text", "")
        rest = (self.own_words or self.requests).sub(" ", normalise(raw))
        for entity in tracker.latest_message.get("entities", []):
            # the words as typed ("少儿馆") and as the entity's value (金陵图书馆少儿馆)
            span = slice(entity.get("start", 0), entity.get("end", 0))
            for words in (raw[span], normalise(raw)[span], str(entity.get("value", ""))):
                if words.strip():
                    rest = rest.replace(normalise(words), " ")
        return [word for word in tokens(rest)
                if len(word) >= 2 and word not in STOPWORDS | LIBRARY_NAMES]

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker
                ) -> list[dict[str, Any]]:
        raise NotImplementedError
