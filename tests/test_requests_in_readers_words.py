"""Requests readers make in their own words: a book asked for with 不 at the end, an
author called 老师, a title that begins 我的, a result chosen by its author, a loan named
before asking to renew it, someone who knows asked for, what is left of the holds, and
another card after one was refused (units, no model)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.activities
import actions.catalogue
import actions.faq
import actions.faq_answers
import actions.holds
import actions.loans
import actions.resume
from actions.activities import event_named, named_branch
from actions.catalogue import looks_like_a_title, searched
from actions.faq import ActionRephrase
from actions.handoff import ActionHandoffToStaff
from actions.holds import ActionListReservations, result_by_author
from actions.loans import ActionRenewLoan, title_asked_to_renew
from actions.login import ValidateLoginForm
from actions.resume import ActionResumeRequest, another_card_after_refusal
from bot.booking_words import keeps_a_place_at_an_event
from bot.channels.questions import CONTINUES_MESSAGE, split_questions
from bot.nlu_signals import corrected
from bot.question_words import MY_ACCOUNT
from bot.services.catalogue_query import understand
from bot.services.faq_model import FaqAnswer
from bot.services.interface import BranchInfo, EventInfo, SearchResult, TitleHit, Verification
from bot.spelling import corrected as spelling_corrected
from tests.test_action_units import conversation, run_action, tracker_with


def hit(bib_id: int, title: str, author: str = "某作者") -> TitleHit:
    return TitleHit(bib_id=bib_id, title=title, author=author, publisher="", year=None,
                    isbn=None, call_number="")


class Shelf:
    """A catalogue of a few books: a search finds those whose title holds the query, or
    whose author it names; every search is remembered."""

    def __init__(self, *books: TitleHit) -> None:
        self.books, self.asked = books, []  # type: ignore[var-annotated]

    def search(self, query: str, limit: int = 5, offset: int = 0) -> SearchResult:
        self.asked.append(query)
        found = [book for book in self.books
                 if query.replace(" ", "") in book.title or book.author in query]
        return SearchResult(hits=found[:limit], total=len(found))

    def title(self, bib_id: int) -> TitleHit | None:
        return next((book for book in self.books if book.bib_id == bib_id), None)

    def author_named(self, text: str) -> str | None:
        return next((book.author for book in self.books if book.author in text), None)


def use(monkeypatch: pytest.MonkeyPatch, catalogue: Shelf, *modules: Any) -> None:
    services = type("Services", (), {
        "catalogue": catalogue,
        "knowledge": type("Unsure", (), {
            "answer": lambda self, *asked: FaqAnswer(kind="none"),
            "record_unanswered": lambda self, *a: None})()})()
    for module in modules:
        monkeypatch.setattr(module, "services", lambda: services)


# --- the catalogue's reading of a request --------------------------------------------


@pytest.mark.parametrize(("typed", "phrase"), [
    ("某部小说 借得到不", "某部小说"),  # the 不 that asks is no word of the title
    ("某部小说有不", "某部小说"),
    ("不必再说的往事", "不必再说的往事"),  # a 不 of the title stays
])
def test_the_not_that_asks_is_no_part_of_a_title(typed: str, phrase: str) -> None:
    assert understand(typed).phrase == phrase


def test_an_author_called_teacher_is_searched_by_name() -> None:
    query = understand("某校钱某某教授的著作有哪几本")
    assert query.wants_author and "教授" not in query.phrase and "钱某某" in query.phrase
    # 写的书 says an author is meant, as 写的 does
    assert understand("某某写的书").wants_author
    # a title that holds the word stays whole
    assert "老师" in understand("《老师好》").phrase


@pytest.mark.parametrize(("text", "title"), [
    ("我的邻居是海", True), ("我的远方表亲", True),  # titles begin so
    ("我的预约", False), ("我的书", False), ("我想借活着", False), ("我的借书证丢了", False),
])
def test_a_title_may_begin_with_my(text: str, title: bool) -> None:
    assert looks_like_a_title(text) is title


def test_an_unclear_message_is_searched_as_typed_not_by_a_part_the_nlu_tagged(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = Shelf(hit(1, "山河", "某作者"))
    use(monkeypatch, shelf, actions.catalogue, actions.faq, actions.faq_answers)
    tagged = [{"entity": "title", "value": "山河", "start": 4, "end": 6}]
    reply, _ = run_action(ActionRephrase(), tracker_with("某人写的大山河谷记", tagged,
                                                         intent="nlu_fallback"))
    assert "山河" not in shelf.asked and "没有找到" in reply


def test_a_hold_names_the_longer_of_two_titles_it_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = Shelf(hit(1, "星海远航2：归途"), hit(2, "星海远航：全集（新版）"))
    # the search for all the reader typed finds both (the author's name left over)
    monkeypatch.setattr(shelf, "search", lambda query, limit=5, offset=0: SearchResult(
        hits=[book for book in shelf.books if query == "某人的星海远航2"
              or query in book.title], total=2))
    use(monkeypatch, shelf, actions.catalogue)
    query, result = searched(tracker_with("某人的星海远航2 约上", []), "某人的星海远航2",
                             for_a_hold=True)
    assert query == "星海远航2" and [found.bib_id for found in result.hits] == [1]


# --- a result chosen by its author ----------------------------------------------------


@pytest.mark.parametrize(("text", "chosen"), [
    ("约乙某某那版，别拿甲某某的", 2),
    ("甲某某译的那版替我留一本", 1),
    ("不要甲某某的", None),  # only the one turned down named
    ("甲某某乙某某都行", None),  # both named
])
def test_a_result_is_chosen_by_its_author(monkeypatch: pytest.MonkeyPatch, text: str,
                                          chosen: int | None) -> None:
    shelf = Shelf(hit(1, "远行者", "甲某某"), hit(2, "远行者", "乙某某"))
    use(monkeypatch, shelf, actions.holds)
    found = {"kind": "search", "titles": ["远行者"] * 2, "bib_ids": [1, 2]}
    assert result_by_author(conversation(("远行者有吗", [found]), (text, []))) == chosen
    # not without the results before
    assert result_by_author(conversation(("你好", [{"kind": "greet"}]), (text, []))) is None


# --- a loan named before asking to renew it -------------------------------------------


@pytest.mark.parametrize(("text", "tagged", "title"), [
    ("群星之间可以续借吗？才读了一半", [], "群星之间"),
    ("晚风集下周到期，麻烦延一下", ["晚风集"], "晚风集"),
    ("新书能续借吗", [], None),  # no book of that name: the rule
    ("群星之间最多续几次", [], None),  # how often: the rule
    ("群星之间续上了没", [], None),  # whether it was
])
def test_a_loan_named_before_asking_to_renew_it(monkeypatch: pytest.MonkeyPatch, text: str,
                                                tagged: list[str], title: str | None) -> None:
    use(monkeypatch, Shelf(hit(1, "群星之间"), hit(2, "晚风集")), actions.loans)
    entities = [{"entity": "title", "value": value} for value in tagged]
    assert title_asked_to_renew(tracker_with(text, entities)) == title


def test_a_reader_not_yet_verified_is_asked_the_card_to_renew_a_loan_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    use(monkeypatch, Shelf(hit(1, "群星之间")), actions.loans)
    events = ActionRenewLoan().request(
        CollectingDispatcher(), tracker_with("群星之间可以续借吗？才读了一半", []))
    assert {"event": "slot", "name": "loan_title", "value": "群星之间"} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events]
    assert any(event.get("name") == "pending_request" and event.get("value") == "renew"
               for event in events)


def test_the_loan_due_next_in_other_words() -> None:
    assert actions.loans.DUE_NEXT.search("马上要还那本帮忙续上")


# --- a person who knows ----------------------------------------------------------------


@pytest.mark.parametrize(("text", "person"), [
    ("找位懂行的专家帮帮我", True), ("可否找个熟悉地方志的老师来", True),
    ("想找个人少的角落自习", False), ("找个地方坐坐", False),
])
def test_someone_who_knows_is_a_person(text: str, person: bool) -> None:
    assert (ActionHandoffToStaff.explicit.search(text) is not None) is person


# --- the holds ---------------------------------------------------------------------------


def test_what_is_left_of_the_holds_right_after_one_was_cancelled_is_the_holds() -> None:
    cancelled = {"kind": "hold_cancelled"}
    assert ActionListReservations().asks_about_own(
        conversation(("某书那本删掉", [cancelled]), ("那剩下几条", [])))
    assert not ActionListReservations().asks_about_own(
        conversation(("你好", [{"kind": "greet"}]), ("那剩下几条", [])))


# --- another card ------------------------------------------------------------------------


@pytest.mark.parametrize("refusal", [Verification.CARD_BLOCKED, Verification.CARD_EXPIRED])
def test_a_refused_card_tells_the_request_that_waited(refusal: Verification) -> None:
    tracker = tracker_with("reader", [], slots={"pending_request": "sign_up", "event_id": "5",
                                                "card_number": "JL00000004"})
    dispatcher = CollectingDispatcher()
    ValidateLoginForm().validate_verification(refusal.value, dispatcher, tracker, {})
    told = dispatcher.messages[-1]["outcome"]
    assert told["request"] == "sign_up" and told["slots"] == {"event_id": "5"}
    assert "证号" in dispatcher.messages[-1]["text"]  # the reader learns another card may do
    assert "JL00000004" not in str(told)  # the card refused is not repeated
    # the request itself is forgotten with the refused card, as before
    _, events = run_action(ActionResumeRequest(), tracker_with("reader", [], slots={
        "pending_request": "sign_up", "verification": refusal.value}))
    assert {"event": "slot", "name": "pending_request", "value": None} in [
        {key: event.get(key) for key in ("event", "name", "value")} for event in events]


def test_a_wrong_password_or_a_lock_forgets_the_request_as_before() -> None:
    for state in (None, Verification.LOCKED.value):
        tracker = tracker_with("x", [], slots={"pending_request": "sign_up",
                                               "verification": state})
        _, events = run_action(ActionResumeRequest(), tracker)
        assert {"event": "slot", "name": "pending_request", "value": None} in [
            {key: event.get(key) for key in ("event", "name", "value")} for event in events]
    # a card number after a failed password is the form's, not a new verification
    failed = conversation(("reader", [{"kind": "login_failed", "reason": "failed"}]),
                          ("JL00000003", []), slots={"pending_request": "sign_up"})
    assert not another_card_after_refusal(failed)



def test_a_place_kept_at_an_event_named_signs_up_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    starts = datetime.datetime(2026, 11, 4, 14, 30)
    events = [EventInfo(7, "阅美四季·某某讲坛", "阅美四季", "金陵图书馆", "报告厅", starts,
                        starts + datetime.timedelta(hours=2), 30, "成人")]
    activities = type("Activities", (), {"upcoming_events": lambda self, now: events})()
    monkeypatch.setattr(actions.activities, "services",
                        lambda: type("Services", (), {"activities": activities})())
    assert event_named(tracker_with("某某讲坛人满了没，给我留一个吧", [])) == 7
    assert event_named(tracker_with("某某讲坛人满了没", [])) is None  # nothing asked for
    # no event named before: no sign-up (a seat is no event)
    assert corrected("ask_policy", "阅览室人满了没，给我留一个吧") != "sign_up_event"


def test_a_second_question_cut_from_a_message_is_about_the_branch_the_first_named(
        monkeypatch: pytest.MonkeyPatch) -> None:
    children = BranchInfo(code="JL-CHILD", name="金陵图书馆少儿馆", kind="branch", address="",
                          transport="", phone="", confirmed=True)
    info = type("Info", (), {"find_branch": lambda self, name: children
                             if name == children.name else None})()
    monkeypatch.setattr(actions.activities, "services",
                        lambda: type("Services", (), {"info": info})())

    def second_question(continues: bool) -> Tracker:
        first = {"event": "user", "text": "少儿部周日营业不",
                 "parse_data": {"entities": [{"entity": "branch", "value": children.name}]}}
        second = {"event": "user", "text": "近来有啥亲子活动",
                  "metadata": {CONTINUES_MESSAGE: True} if continues else {}}
        return Tracker(sender_id="unit-test", slots={}, events=[first, second], paused=False,
                       followup_action=None, active_loop={}, latest_action_name=None,
                       latest_message={"text": second["text"], "intent": {"name": "ask_events"},
                                       "entities": []})

    assert named_branch(second_question(continues=True)) == children
    # a message of its own after an answer names no branch by being next
    assert named_branch(second_question(continues=False)) is None


# --- counter-examples from the review ---------------------------------------------------


@pytest.mark.parametrize(("text", "questions"), [
    ("馆内可以打印不，几点关门", 2), ("分馆乘几路公交，几点关门", 2),  # two questions
    ("少儿馆在几楼，几点开门", 2), ("后天可以续借不，几点关门", 2),
    ("周五下班赶去某区馆赶得上吗，几点关门", 1),  # whether one makes it: the same question
])
def test_an_hours_clause_stays_a_question_of_its_own_unless_it_asks_the_same(
        text: str, questions: int) -> None:
    assert len(split_questions(text)) == questions


@pytest.mark.parametrize(("query", "phrase", "author"), [
    ("有没有速写的书", "速写", False), ("练听写的资料书", "练听写的资料书", False),
    ("找找教授写的著作", "教授", True),  # no name left: the words stay
])
def test_words_ending_in_write_are_topics_not_authors(query: str, phrase: str,
                                                      author: bool) -> None:
    understood = understand(query)
    assert (understood.phrase, understood.wants_author) == (phrase, author)


@pytest.mark.parametrize(("text", "tagged"), [
    ("《群星之间》借回去可以续借吗", ["群星之间"]),  # not borrowed yet, in 《》
    ("想借群星之间，借到以后能续借吗", []),
    ("我妈妈可以续借吗", []),  # a person, whatever the catalogue holds
    ("群星之间那样的厚书，借期能延长吗", ["群星之间"]),  # tagged, but told as no loan
])
def test_no_loan_is_named_by_a_book_not_borrowed_or_a_person(
        monkeypatch: pytest.MonkeyPatch, text: str, tagged: list[str]) -> None:
    use(monkeypatch, Shelf(hit(1, "群星之间"), hit(2, "我妈妈")), actions.loans)
    entities = [{"entity": "title", "value": value} for value in tagged]
    assert title_asked_to_renew(tracker_with(text, entities)) is None


@pytest.mark.parametrize("text", [
    "培训用的那本教材还有吗，帮我留一个",  # a book
    "讲座那天停车位紧张吗，帮我留一个",  # a parking space
    "冬日诗会那天我要来还书，帮我留一个",
])
def test_a_place_kept_beside_a_book_or_a_seat_is_no_sign_up(text: str) -> None:
    assert corrected("nlu_fallback", text) != "sign_up_event"
    assert not keeps_a_place_at_an_event(text)


@pytest.mark.parametrize(("text", "chosen"), [
    ("甲某某那版不要了", 2), ("甲某某的就算了，换一版", 2), ("不想要甲某某的", 2),
    ("除了甲某某的都行", 2),  # the other one
    ("约乙某某那本", 2),  # short, as a choice
])
def test_an_author_turned_down_chooses_the_other(monkeypatch: pytest.MonkeyPatch, text: str,
                                                 chosen: int) -> None:
    shelf = Shelf(hit(1, "远行者", "甲某某"), hit(2, "远行者", "[英] 乙某某 著"))
    use(monkeypatch, shelf, actions.holds)
    found = {"kind": "search", "titles": ["远行者"] * 2, "bib_ids": [1, 2]}
    got = result_by_author(conversation(("远行者有吗", [found]), (text, [])))
    assert got in (None, chosen) and (got == chosen or "乙某某" not in text)


def test_an_author_after_results_of_several_titles_chooses_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    shelf = Shelf(hit(1, "远行者", "甲某某"), hit(2, "归来者", "甲某某"))
    use(monkeypatch, shelf, actions.holds)
    found = {"kind": "search", "titles": ["远行者", "归来者"], "bib_ids": [1, 2]}
    assert result_by_author(conversation(("甲某某的书", [found]),
                                         ("帮我约甲某某的归来者", []))) is None


def hold_among_two_volumes(monkeypatch: pytest.MonkeyPatch, text: str
                           ) -> tuple[str, SearchResult]:
    """The search for a hold whose message names a series and its second volume, in a
    catalogue where every search finds both."""
    shelf = Shelf(hit(1, "星海远航2：归途"), hit(2, "星海远航：全集（新版）"))
    monkeypatch.setattr(shelf, "search", lambda query, limit=5, offset=0: SearchResult(
        hits=list(shelf.books), total=2))
    use(monkeypatch, shelf, actions.catalogue)
    return searched(tracker_with(text, []), "星海远航 星海远航2", for_a_hold=True)


def test_a_title_named_apart_is_no_part_of_the_longer(monkeypatch: pytest.MonkeyPatch) -> None:
    _, result = hold_among_two_volumes(monkeypatch, "约星海远航，不要星海远航2")
    assert len(result.hits) == 2  # still the reader's choice


@pytest.mark.parametrize(("text", "chosen"), [
    ("马上就要到期了，第三本续上", None),  # a position named: not the one due next
    ("眼看到期的两本续上", None),  # more than one: not the first due alone
])
def test_a_position_or_a_count_wins_over_the_loan_due_next(
        monkeypatch: pytest.MonkeyPatch, text: str, chosen: int | None) -> None:
    monkeypatch.setattr(actions.loans.clock, "today", lambda: datetime.date(2026, 10, 28))
    listed = {"kind": "loans", "loan_ids": [1, 2, 3],
              "due_dates": ["2026-11-17", "2026-10-30", "2026-11-20"]}
    assert actions.loans.loan_chosen(conversation(("我借了什么", [listed]), (text, []))) == chosen


@pytest.mark.parametrize(("text", "intent"), [
    ("我证上那本书怎么了？一直显示没还", "list_loans"),  # a book on the card, not the card
    ("我卡上借的书怎么了", "list_loans"),
])
def test_a_book_on_the_card_is_no_trouble_with_the_card(text: str, intent: str) -> None:
    assert corrected("list_loans", text) in (None, intent)


@pytest.mark.parametrize("text", ["帮忙看看我的卡怎么挂失", "帮忙瞧瞧办这种卡交多少押金"])
def test_a_rule_about_the_card_is_no_look_at_it(text: str) -> None:
    assert not MY_ACCOUNT.search(text)


def test_account_words_after_my_are_no_title() -> None:
    assert not looks_like_a_title("我的借阅清单") and not looks_like_a_title("我的欠款明细")


def test_a_teacher_for_a_child_in_a_question_about_events_is_no_handoff() -> None:
    assert not ActionHandoffToStaff.explicit.search("给孩子找个讲故事的老师，本周六亲子场开不开")


def test_the_request_waiting_is_told_by_the_refusal_and_forgotten_otherwise() -> None:
    refused = {"kind": "login_failed", "reason": "blocked", "request": "sign_up",
               "slots": {"event_id": "5"}}
    after = conversation(("reader", [refused]), ("改用我先生的证 JL00000003", []))
    assert another_card_after_refusal(after)
    _, events = run_action(actions.resume.ActionVerifyAnotherCard(), after)
    slots = {event.get("name"): event.get("value") for event in events
             if event.get("event") == "slot"}
    assert slots["event_id"] == "5" and slots["pending_request"] == "sign_up"
    assert slots["card_number"] == "JL00000003"
    # a later request does not find it waiting
    later = conversation(("reader", [refused]), ("你好", [{"kind": "greet"}]),
                         ("JL00000003", []))
    assert not another_card_after_refusal(later)


# --- counter-examples from the second review ------------------------------------------------


@pytest.mark.parametrize(("text", "kept"), [
    ("某某讲座还有空位吗，替我留一个", True),  # 讲座 is no seat
    ("那期讲坛人满了没，那就给我也留一个", True),
    ("手工坊的材料包还有吗，给我留一个", False),  # a thing, not a place
    ("活动室周六有人用吗，帮我留一个", False),  # a room
    ("诗会那天停车场满不满，帮我留一个", False),  # parking
    ("诗会好玩吗，帮我留一个", False),  # nothing asked about its places
])
def test_a_place_kept_is_a_sign_up_only_for_an_events_places(text: str, kept: bool) -> None:
    assert keeps_a_place_at_an_event(text) is kept


@pytest.mark.parametrize(("text", "questions"), [
    ("周六讲座还有位置吗，名额给我一个", 1),  # a place asked for, not something to be told
    ("明天休息吗，几点开门", 1), ("周日有人吗，几点关门", 1),  # whether it opens
])
def test_asking_for_a_place_or_whether_it_opens_stays_one_question(text: str,
                                                                   questions: int) -> None:
    assert len(split_questions(text)) == questions


@pytest.mark.parametrize(("typed", "meant"), [
    ("约上的那本调来了去那拿？", "约上的那本调来了去哪拿？"),
    ("我选江宁分馆，书到了去那取", "我选江宁分馆，书到了去那取"),  # 那 points at the branch
    ("放少儿馆就行，下班后去那取", "放少儿馆就行，下班后去那取"),
])
def test_where_to_collect_is_put_right_only_when_no_place_was_named(typed: str,
                                                                    meant: str) -> None:
    assert spelling_corrected(typed) == meant


@pytest.mark.parametrize("query", ["有没有费某特写的书", "某钟书写的书还剩几本"])
def test_an_author_whose_name_ends_like_a_topic_is_still_an_author(query: str) -> None:
    assert understand(query).wants_author


@pytest.mark.parametrize(("text", "tagged", "title"), [
    ("我借的群星之间可以续借吗", [], "群星之间"),  # the reader's own, said so
    ("《晚风集》下周到期，麻烦延一下", ["晚风集"], "晚风集"),
    ("帮我把晚风集续借一下", ["晚风集"], "晚风集"),
    ("群星之间借回去还没看完，可以续借吗", ["群星之间"], "群星之间"),  # borrowed already
])
def test_a_loan_named_in_other_words_is_still_renewed(
        monkeypatch: pytest.MonkeyPatch, text: str, tagged: list[str], title: str) -> None:
    use(monkeypatch, Shelf(hit(1, "群星之间"), hit(2, "晚风集")), actions.loans)
    entities = [{"entity": "title", "value": value} for value in tagged]
    assert title_asked_to_renew(tracker_with(text, entities)) == title


@pytest.mark.parametrize("text", ["快到期那本都没看完，续一下", "马上到期那本续上，第三本先不用",
                                  "最先到期的续借，别的不用管"])
def test_words_that_only_look_like_several_leave_the_loan_due_next(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr(actions.loans.clock, "today", lambda: datetime.date(2026, 10, 28))
    listed = {"kind": "loans", "loan_ids": [1, 2, 3],
              "due_dates": ["2026-11-17", "2026-10-30", "2026-11-20"]}
    assert actions.loans.loan_chosen(conversation(("我借了什么", [listed]), (text, []))) == 2


@pytest.mark.parametrize("text", ["要乙某某的不要甲某某的", "乙某某那本不好意思麻烦帮约一下"])
def test_an_author_named_with_another_turned_down_later_is_chosen(
        monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    shelf = Shelf(hit(1, "远行者", "甲某某"), hit(2, "远行者", "乙某某"))
    use(monkeypatch, shelf, actions.holds)
    found = {"kind": "search", "titles": ["远行者"] * 2, "bib_ids": [1, 2]}
    assert result_by_author(conversation(("远行者有吗", [found]), (text, []))) == 2


def test_a_shorter_title_read_already_leaves_the_longer_to_hold(
        monkeypatch: pytest.MonkeyPatch) -> None:
    query, _ = hold_among_two_volumes(monkeypatch, "星海远航看完了，帮我约星海远航2")
    assert query == "星海远航2"


@pytest.mark.parametrize(("text", "person"), [
    ("找位老师。", True), ("找个懂行的老师，帮我看看这本旧书", True),
])
def test_someone_asked_for_before_a_full_stop_or_a_request_is_a_person(text: str,
                                                                       person: bool) -> None:
    assert (ActionHandoffToStaff.explicit.search(text) is not None) is person


@pytest.mark.parametrize("text", ["麻烦查下这证过期没", "麻烦看下这张卡，刷不了"])
def test_the_card_looked_at_in_more_words(text: str) -> None:
    assert MY_ACCOUNT.search(text)


@pytest.mark.parametrize(("text", "intent"), [
    ("我的证刷借阅机时用不了", "ask_account"),  # borrowing with the card, not a book on it
    ("帮我看看办卡押金啥情况", None),  # a rule about the card
])
def test_card_trouble_is_the_cards_and_card_rules_stay_rules(text: str,
                                                             intent: str | None) -> None:
    assert corrected("ask_policy", text) == intent
