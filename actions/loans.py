"""The reader's own account: loans with their due dates, renewals (one, by title or
position, or all) with the library's rules explained when they refuse, and what the
reader owes and may still borrow."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.context import (
    ORDINAL,
    SHORT_REPLY,
    chosen_position,
    item_at,
    previous,
    previous_text,
    request_text,
)
from actions.dates import describe_day, number_said, parse_day
from actions.faq_answers import QUESTION, FaqFirst
from actions.library import LibraryAction, as_id, entity_or_slot, payload, services, verified_reader
from actions.login import login_first
from actions.reader_text import latest_entity_values
from bot import clock
from bot.outcome import outcome
from bot.privacy import mask_card_number
from bot.question_words import ASKS, CLAUSE_BREAK, OPENING, clauses
from bot.services.catalogue_ranking import main_title
from bot.services.interface import (
    AccountStatus,
    Loan,
    ReaderRef,
    RenewalOutcome,
    RenewalResult,
    ServiceUnavailableError,
)
from bot.services.search_text import normalise, title_key

ALL_LOANS = "all"
#: a message about a loan of a title ("万历十五年什么时候到期", "续借活着")
LOAN_WORDS = re.compile(r"借|到期|还书|归还|还了|没还|还回|续|延|超期|逾期")
#: a message about what the reader owes for a title ("围城那笔污损费交清了没")
FEE_WORDS = re.compile(r"欠|费|罚|赔|污损|丢|逾期|超期")
RENEW_ALL = re.compile(r"全部|(?<![完不别没用])全(?![集新])[^，,。]{0,3}续|都.{0,3}续|所有|一起|"
                       r"统统|全都|一键")
RENEW_WORD = re.compile(r"续借|续期|续一下|续一续|续上|续了|延期|延长|延一下|延个|延上")
#: ... refused ("不续借了", "别续")
NOT_RENEWING = re.compile(r"[不别没][想要用必需]?(全部|都|全)?(续|延)")
CARD_STATES = {"active": "正常", "blocked": "已停用", "expired": "已过期"}


def yuan(cents: int) -> str:
    return f"{cents / 100:.2f} 元"


def loan_line(loan: Loan) -> str:
    today = clock.today()
    left = loan.days_left(today)
    due = describe_day(loan.due_date, today)
    line = f"《{loan.title}》（{loan.branch}）"
    if left < 0:
        line += f"已逾期 {-left} 天（应还日期 {due}），请尽快归还"
    elif left == 0:
        line += "今天到期"
    else:
        line += f"{due}到期，还有 {left} 天"
    if loan.reserved_by_others:
        line += "；已有其他读者预约，不能续借"
    return line


def loans_outcome(loans: list[Loan]) -> dict[str, Any]:
    """The loans listed, in order, with the days they fall due (to choose one by)."""
    return outcome("loans", count=len(loans), loan_ids=[loan.loan_id for loan in loans],
                   due_dates=[loan.due_date.isoformat() for loan in loans])


def renew_button(loan: Loan) -> dict[str, str]:
    return {"title": f"续借《{loan.title}》",
            "payload": payload("renew_loan", loan_id=str(loan.loan_id))}


def renew_all_button() -> dict[str, str]:
    return {"title": "全部续借", "payload": payload("renew_loan", loan_id=ALL_LOANS)}


def renewal_text(result: RenewalResult) -> str:
    """What a renewal did, or which rule refused it."""
    title = f"《{result.title}》" if result.title else "这本书"
    due = describe_day(result.due_date, clock.today()) if result.due_date else ""
    return {
        RenewalOutcome.RENEWED: f"{title}已续借，新的应还日期是{due}。",
        RenewalOutcome.NOT_YOUR_LOAN:
            "没有找到这条借阅：书可能已经归还，或不在您的读者证上。",
        RenewalOutcome.MAX_RENEWALS:
            f"{title}已达到续借次数上限（您的读者证每本最多续借 {result.limit} 次），"
            f"请在{due}前归还。" if result.limit else f"{title}已经续借过，不能再续借。",
        RenewalOutcome.RESERVED:
            f"{title}已有其他读者预约，不能续借，请在{due}前归还。",
        RenewalOutcome.TOO_OVERDUE:
            f"{title}已逾期（应还日期 {due}），逾期的图书不能续借，请尽快归还到任一分馆。",
        RenewalOutcome.CARD_NOT_USABLE:
            "您的读者证目前不能续借（已停用或过期），请到馆服务台咨询。",
    }[result.outcome]


#: the loan falling due next ("最先到期的续借")
DUE_NEXT = re.compile(r"快(要)?(到期|到日子|到时间|要还)|马上(就|要|就要)?(到期|要还)|"
                      r"最近(要)?(到期|要还)|最[先早](到期|要还)|快过期|眼看(到期|要还)")


#: more than one loan asked to be renewed ("两本", "都续", "其他的也续")
SEVERAL = re.compile(r"(?<!第)[两几三四五]本|(都|全部?)(续|延)|"
                     r"(其他|其余|别的)[^，,。]{0,3}(也|都)?(续|延)")


#: pointing at one book of the list and asking only whether it may be renewed ("这本可以续
#: 不", "它能续吗"; not how often, at what cost, nor that it was: "这本能续几次", "那本续过了")
ASKS_TO_RENEW_IT = re.compile(r"^\W*(?:[这那]一?本|它)\W*还?(?:能|可以|能不能|可不可以)?"
                              r"(?:续|延)(?:借|期|一下|上|个)?(?:吗|不|么|嘛)?\W*$")
#: the list asked for to find the overdue book ("好像有一本逾期了，帮忙看看是哪一本")
OVERDUE_ASKED = re.compile(r"超期|逾期|过期|到期没还")


def overdue_pointed_at(tracker: Tracker) -> int | None:
    """The one overdue loan of those listed, pointed at ("这本可以续不") right after the
    list was asked for to find it."""
    text = tracker.latest_message.get("text", "")
    if not (ASKS_TO_RENEW_IT.match(text)
            and OVERDUE_ASKED.search(request_text(tracker, "list_loans"))):
        return None
    listed = previous(tracker, "loans") or {}
    today = clock.today().isoformat()
    overdue = [loan for loan, due in zip(listed.get("loan_ids") or [],
                                         listed.get("due_dates") or [], strict=False)
               if due < today]
    return overdue[0] if len(overdue) == 1 else None


#: a loan pointed at by the days left to it ("还剩2天到期的那本"), asked to be renewed in any
#: words of 续 or 延
DAYS_LEFT = re.compile(r"剩下?\s*([0-9]{1,2}|[一二两三四五六七八九十])\s*天")
RENEWED_SOMEHOW = re.compile(r"续|延")
#: ... asked as whether it can be done ("能不能延一延", "可以续一下吗"), not how long, why,
#: or whether it was ("为啥续不了", "续好了没")
ASKS_IT_DONE = re.compile(r"(能|可以|可不可以|能不能)[^，,。？?]{0,4}(续|延)")
HOW_LONG = re.compile(r"多久|几天|多长|多少天")


def loan_by_days_left(tracker: Tracker) -> int | None:
    """The one loan listed just before that is due in as many days as the request says
    are left to it ("还剩2天到期的那本能不能延一延")."""
    text = normalise(tracker.latest_message.get("text", ""))
    left = DAYS_LEFT.search(text)
    if left is None or not RENEWED_SOMEHOW.search(text) or NOT_RENEWING.search(text) \
            or (QUESTION.search(text) and not ASKS_IT_DONE.search(text)) \
            or HOW_LONG.search(text):
        return None
    due = (clock.today() + timedelta(days=number_said(left.group(1)))).isoformat()
    listed = previous(tracker, "loans") or {}
    matching = [loan for loan, day in zip(listed.get("loan_ids") or [],
                                          listed.get("due_dates") or [], strict=False)
                if day == due]
    return matching[0] if len(matching) == 1 else None


def loan_chosen(tracker: Tracker) -> int | None:
    """The loan of "续借第二本" / "第一本续一下" / "最先到期的续借" among those the
    previous answer listed ("第三本已经还了" is no request to renew), or the overdue one
    pointed at (see overdue_pointed_at)."""
    if (overdue := overdue_pointed_at(tracker)) is not None:
        return overdue
    if (left := loan_by_days_left(tracker)) is not None:
        return left
    text = tracker.latest_message.get("text", "")
    if not RENEW_WORD.search(text) or NOT_RENEWING.search(text) or QUESTION.search(text):
        return None  # "最先到期那本不续了", "那本还能延多久"
    listed = previous(tracker, "loans") or {}
    ids = listed.get("loan_ids") or []
    # not where a position or a count is named ("快到期了，第三本续上", "快要到期的两本")
    ordinal_renewed = any(ORDINAL.search(clause) and RENEW_WORD.search(clause)
                          for clause in clauses(text))
    if DUE_NEXT.search(text) and len(text) <= 2 * SHORT_REPLY \
            and not ordinal_renewed and not SEVERAL.search(text):
        today = clock.today().isoformat()
        upcoming = sorted((due, loan) for loan, due in zip(
            ids, listed.get("due_dates") or [], strict=False) if due >= today)
        return upcoming[0][1] if upcoming else None
    position = chosen_position(text) if len(text) <= SHORT_REPLY else None
    return item_at(ids, position)


def wants_all(tracker: Tracker) -> bool:
    text = tracker.latest_message.get("text", "")
    return entity_or_slot(tracker, "loan_id") == ALL_LOANS or bool(
        RENEW_WORD.search(text) and RENEW_ALL.search(text) and not quoted_title(tracker)
        and not NOT_RENEWING.search(text) and not one_loan_too(text))


#: a loan named, then "as well" ("某书也一起续上"; not "剩下的也一起续上")
ONE_TOO = re.compile(r"^(?P<named>[^，,。？?！!\s]{2,}?)也(一起|一块|一并)")


def one_loan_too(text: str) -> bool:
    """Whether the message renews one title held "as well", not every loan."""
    named = ONE_TOO.match(normalise(text))
    return named is not None and title_held(OWNER.sub("", named["named"])) is not None


def quoted_title(tracker: Tracker) -> str | None:
    """A title named in the latest message, or remembered from before verification."""
    titles = latest_entity_values(tracker, "title")
    return titles[0] if titles else tracker.get_slot("loan_title")


class ActionListLoans(FaqFirst):
    action_name = "action_list_loans"
    about_a_title = LOAN_WORDS
    personal = True
    # how to see one's loans and their due dates: the reader's own list answers it
    answers_live = frozenset({"borrowing-021"})
    requests = re.compile(r"我的|我借|我有没有|我有.{0,6}(吗|没)|我还有|我手上|我名下|我在借|"
                          r"帮我|给我|借了哪些|借了什么|借了几本|借了多少|借阅查询|查借阅|当前借阅|"
                          r"my loans")

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if asks_due_dates_after_account(tracker):  # the NLU's own intent: no rule question
            return self.request(dispatcher, tracker)
        return super().act(dispatcher, tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        reader = verified_reader(tracker)
        if reader is None:
            return login_first(dispatcher, tracker, "查看借阅", "list_loans")
        self.show(dispatcher, reader)
        return []

    @staticmethod
    def show(dispatcher: CollectingDispatcher, reader: ReaderRef) -> None:
        loans = services().circulation.loans(reader)
        if not loans:
            dispatcher.utter_message(text=f"{reader.name}，您目前没有未归还的借阅。",
                                     **outcome("loans", count=0))
            return
        renewable = [loan for loan in loans if not loan.reserved_by_others and loan.loan_id > 0]
        buttons = [renew_button(loan) for loan in renewable[:4]]
        if len(renewable) > 1:
            buttons.append(renew_all_button())
        dispatcher.utter_message(
            text=f"{reader.name}，您目前借了 {len(loans)} 本书：\n"
            + "\n".join(f"{n}. {loan_line(loan)}" for n, loan in enumerate(loans, start=1)),
            buttons=buttons,
            **loans_outcome(loans),
        )


class ActionRenewLoan(FaqFirst):
    action_name = "action_renew_loan"
    about_a_title = LOAN_WORDS
    personal = True
    requests = re.compile(r"帮我|给我|我要|我想|续借一下|续一下|续上|第.本|全部|都续|一键|《|"
                          r"^\W*(续借|续期|延期|續借)\W*$|把.{0,12}(续|延)|[给帮替]它.{0,2}[续延]|"
                          r"延(一|个|上)|renew")

    def asks_about_own(self, tracker: Tracker) -> bool:
        """A loan named with words of renewing it, even in a question's (see
        loan_renewed_by_name; for a reader not yet verified, title_asked_to_renew)."""
        return loan_renewed_by_name(tracker) is not None or (
            verified_reader(tracker) is None
            and title_asked_to_renew(tracker) is not None)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        reader = verified_reader(tracker)
        named = latest_entity_values(tracker, "title") or (
            [title] if reader is None and (title := title_asked_to_renew(tracker)) else [])
        chosen = None if named else (entity_or_slot(tracker, "loan_id") or loan_chosen(tracker))
        wanted = ALL_LOANS if wants_all(tracker) else chosen
        if reader is None:
            return [SlotSet("loan_id", str(wanted) if wanted else None),
                    SlotSet("loan_title", named[0] if named else None),
                    *login_first(dispatcher, tracker, "续借", "renew")]
        circulation = services().circulation
        if wanted == ALL_LOANS:
            self.report(dispatcher, circulation.renew_all(reader))
            return [SlotSet("loan_id", None), SlotSet("loan_title", None)]
        loan_id = pick_loan(dispatcher, tracker, reader) if wanted is None else as_id(wanted)
        if loan_id is not None:
            self.report(dispatcher, [circulation.renew(reader, loan_id)])
        elif wanted is not None:  # a button or payload with no usable loan id
            self.report(dispatcher, [RenewalResult(RenewalOutcome.NOT_YOUR_LOAN)])
        return [SlotSet("loan_id", None), SlotSet("loan_title", None)]

    def renew(self, dispatcher: CollectingDispatcher, tracker: Tracker,
              loan_id: int) -> list[dict[str, Any]]:
        """Renews the verified reader's loan `loan_id` and says how it went."""
        reader = verified_reader(tracker)
        if reader is not None:
            self.report(dispatcher, [services().circulation.renew(reader, loan_id)])
        return [SlotSet("loan_id", None), SlotSet("loan_title", None)]

    @staticmethod
    def report(dispatcher: CollectingDispatcher, results: list[RenewalResult]) -> None:
        if not results:
            dispatcher.utter_message(text="您目前没有未归还的借阅，不需要续借。",
                                     **outcome("renewal", renewed=0, refused=0))
            return
        renewed = [r for r in results if r.outcome is RenewalOutcome.RENEWED]
        dispatcher.utter_message(
            text="\n".join(renewal_text(result) for result in results),
            **outcome("renewal", renewed=len(renewed), refused=len(results) - len(renewed),
                      reasons=sorted({r.outcome.value for r in results} - {"renewed"}),
                      due_dates=[r.due_date.isoformat() for r in results if r.due_date]),
        )


#: a loan told by the day it is due ("周五到期那本", "下周一要还的"; not 还 of "还能")
DUE_ON = re.compile(r"到期|[要该得]还|还的")


def due_on_the_day_named(tracker: Tracker, loans: list[Loan]) -> int | None:
    """The one loan due on the day the message names as its due day, if any."""
    text = tracker.latest_message.get("text", "")
    day = parse_day(text, clock.today()) if DUE_ON.search(text) else None
    due = [loan.loan_id for loan in loans if loan.due_date == day]
    return due[0] if len(due) == 1 else None


#: a loan's title shorter than this is taken only where the message begins with it
MIN_NAMED_TITLE = 3
#: the words before a renewal's that only ask whether or say "too" ("能", "还可以", "也一起")
MAY = re.compile(r"(还能|还可以|能不能|可不可以|能|可以|要|想再?|想在|再|也一起|也一块|也)+$")
#: a book not borrowed yet ("想借某书，借走后可以续借不")
NOT_ON_LOAN = re.compile(r"(想借|要借|借回去|借到|借了|借走)[^，,。]{0,4}(以后|之后|后|的话)")
#: a title told to be the reader's loan or asked to be renewed outright: pointed at, told
#: to be due ("那本某书下周到期"), or the renewal asked for ("帮我把某书续上"); a title
#: in 《》 counts only so (otherwise it is searched)
TOLD_AS_A_LOAN = re.compile(r"[那这]本|到期|超期|逾期|没看完|没读完|还没看|还在看|我借的|"
                            r"帮我|帮忙|麻烦|给我|替我|我想|我要|把|"
                            # ... or kept longer ("某书还要多看些日子")
                            r"多借|多看|再借|看不完|读不完")
#: how long a title opening a message may be, in characters (see title_opening; titles
#: shorter than MIN_NAMED_TITLE, 围城 or 活着, are too easily other words to be found so)
LONGEST_OPENING_TITLE = 15
#: the words that begin what is said of a title opening a message ("某书还要多看些日子")
AFTER_A_TITLE = frozenset("还也都能可想要没多再就我得读看借")
#: a person named where a title would be ("我妈妈可以续借吗"), once the words that say
#: whose loan it is are left out ("我借的某书", "我那本某书")
A_PERSON = re.compile(r"^[我你他她]")
OWNER = re.compile(r"^((我|俺)?(手上|手里|手头)的?(借的)?([那这]本)?|我(借的|那本|的)|[那这]本)")


def title_asked_to_renew(tracker: Tracker) -> str | None:
    """The title a message asks to renew, named right before the renewal's words ("某书可以
    续借吗？才读了一半") or tagged by the NLU in a message that tells it is a loan ("某书下周
    到期，麻烦延一下"), when the catalogue holds a book of exactly that name: a loan of the
    reader's own, which a reader not yet verified is asked the card for (not "新书能续借吗",
    a rule; nor a book not borrowed yet, one in 《》, or a person: NOT_ON_LOAN)."""
    text = tracker.latest_message.get("text", "")
    renews = RENEWS_NAMED.search(text)
    told = TOLD_AS_A_LOAN.search(text) is not None
    if not renews or NOT_A_RENEWAL.search(text) or NOT_A_LOAN.search(text) \
            or NOT_ON_LOAN.search(text) or ("《" in text and not told):
        return None
    before = CLAUSE_BREAK.split(text[:renews.start()])[-1]
    tagged = latest_entity_values(tracker, "title") if told else []
    for words in (OWNER.sub("", MAY.sub("", before)).strip("《》"), *tagged):
        if len(title_key(words)) >= MIN_NAMED_TITLE and not A_PERSON.match(words) \
                and (held := title_held(words)):
            return held
    return title_opening(text) if told and "《" not in text else None


def title_held(words: str) -> str | None:
    """The catalogue's title that is exactly these words, if any."""
    found = services().catalogue.search(words, limit=1)
    if found.hits and not found.near and \
            title_key(main_title(found.hits[0].title)) == title_key(words):
        return found.hits[0].title
    return None


def title_opening(text: str) -> str | None:
    """The title a message opens with, words about it following in the same clause ("某书
    还要多看些日子 可以续不"): the longest start of the first clause that is a title held,
    of MIN_NAMED_TITLE characters or more."""
    first = CLAUSE_BREAK.split(text.strip())[0][:LONGEST_OPENING_TITLE]
    if A_PERSON.match(first):
        return None
    # a title ends where the clause does or before the words said of it (还, 也, 想 …):
    # a search for each such end, longest first
    ends = [end for end in range(len(first), MIN_NAMED_TITLE - 1, -1)
            if end == len(first) or first[end] in AFTER_A_TITLE]
    return next((held for end in ends if (held := title_held(first[:end]))), None)


def loan_named(tracker: Tracker, loans: list[Loan]) -> int | None:
    """The one loan whose title the message holds without 《》 ("围城没读完，帮它
    延个两周"): the reader's own loans are few, so their titles are looked for in the words
    (a title of two characters only where the message begins with it: not 兄弟 of "我兄弟
    借的那本")."""
    text = tracker.latest_message.get("text", "").strip()
    typed = title_key(text)
    named = [(loan.loan_id, key) for loan in loans
             if (key := title_key(main_title(loan.title))) and key in typed]
    if len(named) != 1:
        return None
    loan_id, key = named[0]
    return loan_id if len(key) >= MIN_NAMED_TITLE or text.startswith(key) else None


#: asking to renew a loan named by its title: a renewal's words and more ("再续", "也续了",
#: "延个"), outside the loan's title (延禧…)
RENEWS_NAMED = re.compile(f"{RENEW_WORD.pattern}|续一|再续|也续|延一|延个|续个|"
                          # ... or asked whether ("能续不", "还可以续吗")
                          r"(?<=[能以])续|续(?=[吗么嘛不伐])")
#: ... and not asking about renewing or a mishap: how often or how long, whether it
#: worked, with other books, a sequel, a loss or damage, or declining ("续过几次", "续借
#: 成功了吗", "不需要续了")
NOT_A_RENEWAL = re.compile(r"[几两三]次|多久|(?<!多[看借读])几天|多长|成功|续过|"
                           r"(续借|续期|续上|延期|续)了[吗么没]|续集|(?<!也)一起|别的|都续|几回|"
                           r"几遍|多少天|"
                           r"到几号|到什么时候|钱|费|扣|不用现在|"
                           r"赔|丢|坏|顺延|(?<!续)(不|别|没|无)(需要|用|必|想|要)?再?(续|延)")


#: a renewal made before, told to point at the loan ("上周续过一回的那本"): no question
#: about renewing
RENEWED_BEFORE = re.compile(r"续过(一|1|两|2)?[次回]的")
#: asking to renew again ("还能再续一下不") a loan pointed at ("那本", "这本", "它")
RENEW_AGAIN = re.compile(r"(还能|还可以|能不能|可不可以|能|可以)再(续|延)")
POINTED_LOAN = re.compile(r"那本|这本|(?<!其)它")
#: ... not a card, a hold or a seat ("证快过期了，它还能再延期吗")
NOT_A_LOAN = re.compile(r"证|卡|预约|约的|到馆|取书|保留|座位|研讨间")
#: ... or to renew it at all ("它可以续不", "这本续一下")
RENEWS_POINTED = re.compile(r"(还能|能不能|可不可以|能|可以)再?(续|延)|续一下|续上")
OVERDUE = re.compile(r"超期|逾期|过期")
#: answers about the reader's own account, after which "这本还剩几天" is about its loans
ACCOUNT_VIEWS = ("renewal", "account_status", "loans")


def loan_renewed_by_name(tracker: Tracker) -> int | None:
    """The loan a verified reader's message asks to renew by its title ("某书还能多续一回
    不", "某书顺手也续了") or by pointing at it right after speaking of it ("它可以续不";
    see loan_pointed_at), whatever the NLU took the message for: a rule question, or
    nothing it could place; the loan answers better than the rule (renewed, or why not).
    None when the reader is not verified, the message asks about renewing rather than
    for it, or the library system cannot be reached (then what the NLU took it for
    answers)."""
    text = tracker.latest_message.get("text", "")
    pointed = bool(POINTED_LOAN.search(text) and RENEWS_POINTED.search(text)
                   and not NOT_A_LOAN.search(text))
    if NOT_A_RENEWAL.search(text) or not (RENEWS_NAMED.search(text) or pointed):
        return None
    try:
        reader = verified_reader(tracker)
        loans = services().circulation.loans(reader) if reader else []
    except ServiceUnavailableError:
        return None
    loan_id = loan_named(tracker, loans)
    titles = [main_title(loan.title) for loan in loans if loan.loan_id == loan_id]
    rest = normalise(text).replace(normalise(titles[0]), " ") if titles else ""
    if loan_id is not None and RENEWS_NAMED.search(rest):
        return loan_id
    # a title named that is none of the loans points at no loan ("那三体这本能续吗")
    pointing = pointed and not titles and not latest_entity_values(tracker, "title")
    return loan_pointed_at(tracker, loans) if pointing else None


def loan_pointed_at(tracker: Tracker, loans: list[Loan]) -> int | None:
    """The loan "它" or "那本" means right after the reader spoke of it: the one overdue
    loan after a message about the overdue one ("逾期那本算进去没"), or the one loan the
    previous answer listed."""
    before = previous_text(tracker)
    if OVERDUE.search(before) and not NOT_A_LOAN.search(before) \
            and previous(tracker, *ACCOUNT_VIEWS) is not None:
        overdue = [loan.loan_id for loan in loans if loan.due_date < clock.today()]
        if len(overdue) == 1:
            return overdue[0]
    about = previous(tracker, "loans") or {}
    ids = [loan for loan in about.get("loan_ids") or [] if any(
        mine.loan_id == loan for mine in loans)]
    return ids[0] if len(ids) == 1 else None


def asks_to_renew_a_loan_pointed_at(text: str) -> bool:
    """"那本X还能再续一下不", "续过一回的那本可以再续不": a loan of the reader's own, to renew
    (not how often one may: "那本还能再续几次")."""
    told = RENEWED_BEFORE.sub("", text)
    return bool(RENEW_AGAIN.search(told) and POINTED_LOAN.search(told)
                and not NOT_A_RENEWAL.search(told) and not NOT_A_LOAN.search(told))


#: a hold by another reader supposed ("万一别人约了它"): what the rule is then is asked
HOLD_SUPPOSED = re.compile(r"(万一|要是|假如|如果|假设)[^，,。？?！!]{0,8}"
                           r"(别人|有人|被人|其他人|其他读者)(预约|预定|预订|约)")


def renewal_by_name(dispatcher: CollectingDispatcher, tracker: Tracker
                    ) -> list[dict[str, Any]] | None:
    """The renewal of the loan the message asks to renew by its title (see
    loan_renewed_by_name), for an action that took it for something else, or a reader
    not yet verified asked for the card to renew the loan pointed at or named (see
    title_asked_to_renew); None if none."""
    if HOLD_SUPPOSED.search(normalise(tracker.latest_message.get("text", ""))):
        return None  # "万一别人约了它 还续得了吗" asks the rule, whoever asks
    loan_id = loan_renewed_by_name(tracker)
    if loan_id is not None:
        return ActionRenewLoan().renew(dispatcher, tracker, loan_id)
    text = tracker.latest_message.get("text", "")
    if (asks_to_renew_a_loan_pointed_at(text) or title_asked_to_renew(tracker)) \
            and verified_reader(tracker) is None:
        return ActionRenewLoan().request(dispatcher, tracker)
    return None


def pick_loan(dispatcher: CollectingDispatcher, tracker: Tracker,
              reader: ReaderRef) -> int | None:
    """The loan of "续借《X》" (by title, also without 《》), or of the day it is due
    ("大后天到期那本续借"), or the reader's only loan; else asks which."""
    loans = services().circulation.loans(reader)
    title = quoted_title(tracker)
    titles = [title] if title else []
    if not titles and (by_day := due_on_the_day_named(tracker, loans)) is not None:
        return by_day
    if not titles and (by_title := loan_named(tracker, loans)) is not None:
        return by_title
    if titles:
        wanted = title_key(titles[0])
        matching = [loan for loan in loans if wanted and (
            wanted in title_key(loan.title) or title_key(loan.title) in wanted)]
        if len(matching) == 1:
            return matching[0].loan_id
        if not matching:
            dispatcher.utter_message(
                text=f"您的借阅里没有《{titles[0]}》，无法续借。",
                **outcome("renewal", renewed=0, refused=1, reasons=["not_your_loan"]))
            ActionListLoans.show(dispatcher, reader)
            return None
    elif len(loans) == 1:
        return loans[0].loan_id
    if not loans:
        dispatcher.utter_message(text="您目前没有未归还的借阅，不需要续借。",
                                 **outcome("renewal", renewed=0, refused=0))
        return None
    dispatcher.utter_message(
        text="请选择要续借的书：",
        buttons=[renew_button(loan) for loan in loans[:5] if loan.loan_id > 0]
        + [renew_all_button()],
        **loans_outcome(loans),
    )
    return None


class ActionAccountStatus(FaqFirst):
    action_name = "action_account_status"
    about_a_title = FEE_WORDS
    personal = True
    requests = re.compile(r"我的|我有没有|我是不是有|我是不是欠|我(现在|目前)?欠|还欠|我还能|"
                          r"我还可以|我要交|"
                          r"帮我查|帮我看|查一下我|查下我|看看我|查查我|(我的?)?[账帐]上|我名下|账户|欠费查询")

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if (renewed := renewal_by_name(dispatcher, tracker)) is not None:  # "那本还能再续不"
            return renewed
        return super().act(dispatcher, tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        reader = verified_reader(tracker)
        if reader is None:
            return login_first(dispatcher, tracker, "查询读者证状态和欠费", "account")
        status = services().circulation.account(reader)
        dispatcher.utter_message(text=account_text(reader, status),
                                 **outcome("account_status", owed_cents=status.owed_cents,
                                           card_status=status.card_status))
        return []


def account_text(reader: ReaderRef, status: AccountStatus) -> str:
    today = clock.today()
    lines = [
        f"{reader.name}，您的{status.card_type}（{mask_card_number(reader.card_number)}）"
        f"状态{CARD_STATES.get(status.card_status, status.card_status)}，"
        f"有效期至 {describe_day(status.expires_on, today)}。",
        f"在借 {status.loans} 本，还可借 {max(status.max_loans - status.loans, 0)} 本；"
        f"预约 {status.holds} 本，还可预约 {max(status.max_holds - status.holds, 0)} 本。",
    ]
    if not status.fees:
        lines.append("您目前没有欠费。")
        return "\n".join(lines)
    lines.append(f"您目前共欠费 {yuan(status.owed_cents)}：")
    for fee in status.fees:
        note = "（逾期费每天累计，还书时结算）" if fee.accruing else ""
        lines.append(f"· {fee.reason}《{fee.title}》{yuan(fee.amount_cents)}{note}")
    lines.append("欠费可到任一分馆服务台缴纳。")
    return "\n".join(lines)


#: when books fall due ("现在分别什么时候要还")
DUE_ASKED = re.compile(r"(什么时候|啥时候|哪天|几号)(得|要|该)?(到期|还(?=书|回|[\W]*$))|到期日|"
                       r"应还日期")


#: ... or how many days are left, or which is overdue ("还剩几天", "超期的那本")
LOANS_ASKED = re.compile(DUE_ASKED.pattern + r"|剩.{0,2}几天|(超期|逾期)(了|的)")
#: ... but not a rule ("超期了罚多少", "逾期的怎么办")
RULE_ASKED = re.compile(r"罚|怎么|咋|如何|多少钱|会不会|能不能|影响")
OPENS = re.compile(OPENING)
#: a clause ending as a question does without a question word ("周日开着没", "开着吧")
ENDS_ASKING = re.compile(r"[没吧][\s。！!？?]*$")


def asks_due_dates_after_account(tracker: Tracker) -> bool:
    """"现在分别什么时候要还" after a renewal, "手上这本还剩几天" or "哪本逾期了" after
    the account's state: the loans, with their due dates (not when the opening hours are
    asked for the day the overdue one is taken back)."""
    text = normalise(tracker.latest_message.get("text", ""))
    return previous(tracker, *ACCOUNT_VIEWS) is not None and bool(
        LOANS_ASKED.search(text)) and not RULE_ASKED.search(text) and not any(
            # "周日开着没，想把逾期的送回去": the hours of that day
            OPENS.search(clause) and (ASKS.search(clause) or ENDS_ASKING.search(clause))
            and not LOANS_ASKED.search(clause)
            for clause in clauses(text))


LibraryAction.replies_to_previous += [
    (lambda tracker: loan_chosen(tracker) is not None, ActionRenewLoan),
    (asks_due_dates_after_account, ActionListLoans),
]
