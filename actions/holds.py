"""Book holds: place (available copy held for pickup, or a place in the queue),
list with status and queue position, cancel."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from itertools import islice
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.catalogue import (
    RESERVES,
    SAME_AUTHOR,
    held_title,
    hit_text,
    invalid_isbn,
    looks_like_a_title,
    search_query,
    searched,
    typed_query,
)
from actions.context import (
    ORDINAL,
    SHORT_REPLY,
    affirms,
    all_still_offered,
    chosen_position,
    earlier_answers,
    item_at,
    previous,
    previous_outcomes,
    request_entity_values,
    request_text,
    still_offered,
)
from actions.dates import describe_day, number_said
from actions.faq_answers import QUESTION, FaqFirst, answer_if_certain, answer_or_menu
from actions.library import LibraryAction, as_id, entity_or_slot, payload, services, verified_reader
from actions.login import login_first
from actions.reader_text import latest_entity_values, quote, without_branches
from actions.visiting import HOURS_WORDS, PLACE_WORDS
from bot import clock
from bot.booking_words import BOOKED
from bot.branches import branch_aliases, place_name
from bot.card_numbers import CARD_GIVEN
from bot.outcome import outcome
from bot.question_words import (
    HOLD_KEPT,
    PICKS_UP,
    POLITE_HOLD_REQUEST,
    asks_after_a_hold,
    clauses,
)
from bot.services.catalogue_ranking import main_title
from bot.services.interface import (
    BranchInfo,
    Hold,
    HoldOutcome,
    HoldResult,
    SearchResult,
    TitleHit,
)
from bot.services.search_text import normalise, title_key

CHOICES = 5
#: how many records of a title are looked through for an edition with copies
EDITIONS = 20
#: an edition said in brackets ("（典藏版）", "（第3版）"), not a volume ("（第一部）")
EDITION_NOTE = re.compile(r"[（(][^）)]*版[^）)]*[）)]")
CANCELLING = re.compile(r"取消|不要|不想要|不需要|删|撤")
#: a message about a hold on a title ("预约万历十五年", "取消活着"), not a search for it
HOLD_WORDS = re.compile(r"预约|预定|预订|约|订|留|借|取|拿|领|加一本|到了|取消|不要|删")
#: "就要这本": the one title the previous answer found
THIS_ONE = re.compile(r"这本|这一本|这套|这一套|这部(?!分)|这个|就它|就要它")
#: words that make a message asking to reserve without naming what (RESERVES) something
#: else: cancelling or declining ("不约了"), the holds already placed ("我的预约", "预约记录"),
#: a seat, a subscription
NOT_A_NEW_HOLD = re.compile(f"{CANCELLING.pattern}|不|别|算了|我的|记录|座|订阅")
HOLD_SLOTS = ("bib_id", "pickup_branch", "hold_id")
#: the words that ask for the hold and where to pick it up, around the title typed
#: ("某书能预约不 去总馆取"): no part of what is searched
HOLD_ASKED = re.compile(r"(能|可以|可不可以)?(帮我|给我|替我)?(预约|预定|预订)(一下)?[吗不么嘛]?|"
                        f"{PICKS_UP}书?(?=[\\s，,。？?！!~～]|$)")
#: booking a visit ("周六想约个时间进馆"), which a hold's words may ask for
ENTRY = re.compile(r"入馆|进馆")


def clear_hold_slots() -> list[dict[str, Any]]:
    return [SlotSet(slot, None) for slot in HOLD_SLOTS]


def hold_text(hold: Hold) -> str:
    today = clock.today()
    if hold.status == "ready":
        deadline = describe_day(hold.pickup_deadline, today) if hold.pickup_deadline else ""
        return f"《{hold.title}》已为您保留在{hold.pickup_branch}，请在{deadline}前取书。"
    return (
        f"《{hold.title}》排队中，您排在第 {hold.queue_position} 位，"
        f"到书后在{hold.pickup_branch}取。"
    )


#: the words that ask for the hold and say where to pick it up, read once the branches
#: are cut out: those of HOLD_ASKED, and a bare 约 or 取 ("帮我约一下", "在…领") with the
#: spaces and commas between them (not in a search: "约翰", "取经")
HOLD_REQUEST_WORDS = re.compile(f"{HOLD_ASKED.pattern}|"
                                r"(帮我|给我|替我)?约(一下)?|[取领拿]书?|[\s，,。]")


def request_words(tracker: Tracker) -> str:
    """The reader's message less the branches it names and the card number it gives."""
    return CARD_GIVEN.sub("", without_branches(tracker))


def choice_length(tracker: Tracker) -> int:
    """The length of the reader's message less the branches it names, the card number
    it gives and the words that ask for the hold: "就要第一本，到河西分馆取", "第二本吧 帮
    我约一下 在总馆领" and "第一本吧 替我约上 证号JL…" are as short a choice as "就要第一本"."""
    return len(HOLD_REQUEST_WORDS.sub("", request_words(tracker)))


def result_chosen(tracker: Tracker) -> int | None:
    """The bib id of "就要第一本" / "第二个" among the results of the previous answer (of
    all its searches: "有没有《草房子》和《城南旧事》" lists two), or of "就要这本" or of a
    request to reserve that names no book ("替我订上，河西取") when they are copies of
    one title."""
    text = tracker.latest_message.get("text", "")
    # a hold asked for in a question's words is a request ("就它了，能替我约上不")
    asks = QUESTION.search(text) and not POLITE_HOLD_REQUEST.search(text)
    # not counting a branch it names, a choice is short; a question is none then
    # ("第一本在少儿馆能借到吗")
    # ... and names one position ("第一本不要了，约第二本" is no choice of the first)
    if choice_length(tracker) > SHORT_REPLY or (
            len(text) > SHORT_REPLY and asks) or len(ORDINAL.findall(text)) > 1:
        return None
    position = chosen_position(text)
    unnamed = (RESERVES.search(text) and not NOT_A_NEW_HOLD.search(text)
               and not BOOKED.search(text) and not ENTRY.search(text)
               and not latest_entity_values(tracker, "title"))
    # the results of the previous answer; asked to reserve without a title, also of one
    # before a question or two on the side ("有某书吗，能借多久" → "能续几次" → "那帮我约
    # 一本吧")
    searches = [found for found in previous_outcomes(tracker) if found.get("kind") == "search"]
    if not searches and unnamed and position is None:
        searches = all_still_offered(tracker, "search")
    ids = [bib_id for found in searches for bib_id in found.get("bib_ids") or []]
    titles = {title for found in searches for title in found.get("titles") or []}
    if (position is None and (THIS_ONE.search(text) or unnamed)
            and not asks  # "这本有电子版吗"
            and not SAME_AUTHOR.search(text) and len(titles) == 1):
        position = 0
    return item_at(ids, position)


#: an author turned down, before the name ("不是某甲的", "不要某乙那版", "除了某甲的") or
#: after it ("某甲的不要", "某甲那版看过了")
NOT_BY = re.compile(r"(?:不是|不要|不想要|别|不用|除了)[拿要选]?$")
TURNED_DOWN = re.compile(r"^(的|那版|那本|这版)?(就)?(不要|不想要|看过|借过|算了)(了|吧|啦)?"
                         r"(?=[，,。！!\s]|$)")


def first_name(author: str) -> str:
    """The author's name as readers type it: the first word that is no mark of a country
    or a role ("[俄] 某某某 著" → 某某某)."""
    return next((word for word in author.split() if not word.startswith(("[", "(", "（"))), "")


def result_by_author(tracker: Tracker) -> int | None:
    """The bib id of the one record, among the previous answer's records of one title,
    whose author the reader names ("约某乙那版，别拿某甲的" after two books of one title):
    not an author turned down, nor a message that names a title of its own."""
    if latest_entity_values(tracker, "title"):
        return None
    text = normalise(tracker.latest_message.get("text", ""))
    found = [answer for answer in previous_outcomes(tracker) if answer.get("kind") == "search"]
    if len({main_title(title) for answer in found for title in answer.get("titles") or []}) != 1:
        return None  # books of several titles: the reader chooses by title
    named = []
    for bib_id in [bib_id for answer in found for bib_id in answer.get("bib_ids") or []][:CHOICES]:
        hit = services().catalogue.title(int(bib_id))
        author = title_key(first_name(hit.author)) if hit else ""
        at = text.find(author) if len(author) >= 2 else -1
        if at >= 0 and not NOT_BY.search(text[max(0, at - 4):at]) \
                and not TURNED_DOWN.search(text[at + len(author):]):
            named.append(int(bib_id))
    return named[0] if len(named) == 1 else None


#: changing the pickup branch at the confirmation ("改到鼓楼馆取吧"): asked to confirm
#: again, not placed at once
CHANGES_PICKUP = re.compile(r"换成|改成|换到|改到|改为|换在|改在|换个(地方|地儿)|"
                            # ... or 换/改/放 right before the branch ("改江宁馆取", "放某分馆
                            # 吧"; not "换个近点的馆")
                            r"[换改放](?![个家别])(?=[^，,。？?！!\s]{0,4}(馆|那边|那儿|那里))")
#: ... which may give its reason ("换到某馆吧 我搬家了"): a longer reply than a choice
CHANGE_REPLY = 2 * SHORT_REPLY
#: ... but not the branch named as the one not wanted ("换个地方 别放河西", "河西那边太远"; not
#: 特别, 别的)
NOT_THIS_ONE_BEFORE = re.compile(r"(?<!特)(别|不要|不想)(放|在|去|到)?$")
NOT_THIS_ONE_AFTER = re.compile(r"^(分馆|馆)?(那边|那儿)?(太远|不方便|去不了|不熟|不去|就算了)")


def turns_down(text: str, branches: list[str]) -> bool:
    """Whether the message turns down the branch tagged, by any of its names, right before
    or after it ("别放河西", "河西那边太远"), rather than another ("换到河西吧 总馆太远")."""
    named = {alias for alias, name in branch_aliases() if name in branches} | set(branches) \
        | {place for name in branches if (place := place_name(name))}  # "河西", "江宁"
    for alias in named:
        for found in re.finditer(re.escape(alias), text):
            if NOT_THIS_ONE_BEFORE.search(text[:found.start()]) \
                    or NOT_THIS_ONE_AFTER.search(text[found.end():]):
                return True
    return False


#: whether the library has the book, asked with the hold ("有没有某书 有的话替我约上")
HELD_ASKED = re.compile(r"有没有|有吗|有么|在架[吗伐不]|在不在架|"
                        # ... in Nanjing's words, or supposed ("有的话替我约上")
                        r"有伐|有没得|有不(?=[\s，,。？?！!]|$)|有的话")


def pickup_chosen(tracker: Tracker) -> bool:
    """A branch named at the hold's confirmation: the pickup chosen, or changed ("取书改到
    江宁馆"), and not a question about it."""
    text = tracker.latest_message.get("text", "")
    asks = QUESTION.search(text) or latest_entity_values(tracker, "title") \
        or latest_entity_values(tracker, "isbn")
    # a change ("取书的地方改到…吧") is as short as its words less the branch's; else the
    # whole reply must be short ("鼓楼馆太远，我就不去取了" is no choice)
    changes = CHANGES_PICKUP.search(text)
    length = choice_length(tracker) if changes else len(text)
    return (previous(tracker, "hold_confirm") is not None
            and length <= (CHANGE_REPLY if changes else SHORT_REPLY)
            and not (changes and turns_down(text, latest_entity_values(tracker, "branch")))
            and bool(latest_entity_values(tracker, "branch")) and not asks
            and not HOURS_WORDS.search(text) and not PLACE_WORDS.search(text))


def confirmed_default(tracker: Tracker) -> str | None:
    """"确认" / "好的" to "确认预约…吗？请选择取书的馆": the first branch offered (also
    after a question or two on the side)."""
    offered = still_offered(tracker, "hold_confirm")
    intent = (tracker.latest_message.get("intent") or {}).get("name")
    text = tracker.latest_message.get("text", "")
    if offered and offered.get("branches") and (
            intent == "affirm" or affirms(text, offered=offered["branches"])):
        return offered["branches"][0]
    return None


def confirmed(tracker: Tracker, bib_id: int) -> bool:
    """The reader confirmed this title and the pickup branch: a reply to "确认预约…吗"
    about it (not a request for another title), or one of its buttons (they carry the
    branch) pressed later."""
    text = tracker.latest_message.get("text", "")
    offered = still_offered(tracker, "hold_confirm")
    return (offered is not None and offered.get("bib_id") == bib_id) or (
        text.startswith("/") and bool(latest_entity_values(tracker, "branch")))


def hold_chosen(tracker: Tracker) -> int | None:
    """The hold of "把第一个取消" among those listed (also before a question or two on the
    side: `still_offered`), or the one of them the reader names by its title or pickup
    branch ("总馆那本撤了吧": see `the_one_hold_named`)."""
    text = tracker.latest_message.get("text", "")
    ids = (still_offered(tracker, "holds_list") or {}).get("hold_ids") or []
    if not ids or not CANCELLING.search(text):
        return None
    if (position := chosen_position(text)) is not None:
        return item_at(ids, position) if len(text) <= SHORT_REPLY else None
    reader = verified_reader(tracker)
    if reader is None:
        return None
    listed = [hold for hold in services().circulation.holds(reader) if hold.hold_id in ids]
    # the branch by any of its names, also where the NLU tagged none ("总馆那本")
    plain = normalise(text)
    named = {name for alias, name in branch_aliases() if alias in plain}
    return the_one_hold_named(listed, latest_entity_values(tracker, "title"), text,
                              [*latest_entity_values(tracker, "branch"), *named])


#: the clause of a long request that asks for the book ("你好，…，想给孩子约本X，…")
ASKS_FOR_A_BOOK = re.compile(r"预约|预定|预订|约|借|找|有没有")


#: how many answers back the results a hold request may name were listed ("某甲先给我
#: 约上" after 某甲's results, then 某乙's)
RESULT_ANSWERS = 3
#: a word in Latin letters, with the signs of a language's name ("c++", "c#"; not one
#: letter alone, which many titles hold)
LATIN_WORD = re.compile(r"[a-z][a-z0-9+#]+")
#: a request that only says which edition or volume ("要第2版", "就要第三册")
WHICH_EDITION = re.compile(r"^\W*(就|那就|还是)?要?第\s*[\d一二三四五六七八九十]+\s*[版部册卷集]")


def listed_result_named(tracker: Tracker) -> int | None:
    """The one result listed in the last answers that a request to hold names by words of
    its title no other result listed has ("死亡圣器先给我约上" after 死亡圣器's results and
    then 魔法石's; "那就约c++那本吧"; "要第2版"): its bib id. The branches named and the
    card number given name no book."""
    listed: dict[int, str] = {}
    for answer in islice(earlier_answers(tracker), RESULT_ANSWERS):
        for found in answer:
            if found.get("kind") == "search":
                listed.update(zip(found.get("bib_ids") or [], found.get("titles") or [],
                                  strict=False))
    text = request_words(tracker)
    words = LATIN_WORD.findall(text.lower())
    edition = edition_number(text)
    typed = title_key(text)
    for chosen in ({bib_id for bib_id, title in listed.items()
                    if any(word in title.lower() for word in words)},
                   {bib_id for bib_id, title in listed.items()
                    if edition is not None and edition_number(title) == edition},
                   # three characters in a row of one title ("死亡诗社" is not 死亡圣器)
                   {bib_id for bib_id, title in listed.items()
                    if _shared_run(title_key(main_title(title)), typed) >= PART_OF_A_TITLE}):
        if len(chosen) == 1:
            return chosen.pop()
    return None


#: an edition by its number ("第2版", "第十二版")
EDITION_SAID = re.compile(r"第\s*([\d一二两三四五六七八九十]+)\s*版")


def edition_number(text: str) -> int | None:
    """The number of the edition a text names."""
    said = EDITION_SAID.search(text)
    return number_said(said.group(1)) if said else None


def clause_found(text: str, query: str, result: SearchResult) -> tuple[str, SearchResult]:
    """When a long request finds nothing as a whole ("许三观卖血记想约一本，我上班在鼓楼，
    下了班过去取"), its first clause that asks for a book (else its first), if that finds
    books on its own, without the words that ask (one more search; the other clauses
    greet, or tell where and when, not what). The clause is chosen among the words
    typed, since the query has lost the words that ask for the book."""
    parts = clauses(text)
    if len(parts) > 1:
        part = next((part for part in parts if ASKS_FOR_A_BOOK.search(part)), parts[0])
        words = HOLD_ASKED.sub(" ", typed_query(part)).strip()
        found = services().catalogue.search(words, limit=CHOICES) if words else None
        if found and found.hits and not found.near:
            return words, found
    return query, result


#: a title this long or longer is still the one meant with one character mistyped
NEAR_TITLE_KEY = 4


def typed_nearly_whole(title: str, text: str) -> bool:
    """Whether the message holds the title with one character mistyped ("撒哈拉的古事"
    for 撒哈拉的故事; typed whole, it may be the start of another: 某系列3): the first book
    found is the one to hold, to be confirmed as every hold is."""
    key, typed = title_key(main_title(title)), title_key(text)
    if len(key) < NEAR_TITLE_KEY:
        return False
    return any(sum(a != b for a, b in zip(key, typed[start:start + len(key)], strict=True)) == 1
               for start in range(len(typed) - len(key) + 1))


def choose_title(dispatcher: CollectingDispatcher, tracker: Tracker) -> TitleHit | None:
    """The title to hold: from a button, a result of the previous answer, or by searching
    what the reader said. None when there is none yet (the reader has been told, or
    asked to choose)."""
    named = latest_entity_values(tracker, "title")
    chosen_result = result_chosen(tracker)
    if chosen_result and "《" not in tracker.latest_message.get("text", ""):
        named = []  # "那就帮我约这本" after one title: a choice, whatever the NLU tagged
    bib_id = None if named else (result_by_author(tracker) or chosen_result
                                 or as_id(entity_or_slot(tracker, "bib_id")))
    if bib_id:
        chosen = services().catalogue.title(bib_id)
        if chosen is None:
            dispatcher.utter_message(text="没有找到这本书，无法预约。")
        return chosen
    text = tracker.latest_message.get("text", "")
    if (not named and ENTRY.search(text)  # booking a visit, not a book: the FAQ's
            and answer_or_menu(dispatcher, tracker, text, lenient=True)):
        return None
    query = search_query(tracker)
    if not named:  # the words typed, not a title the NLU tagged ("上帝拿走了…")
        query = HOLD_ASKED.sub(" ", query).strip()
    if not query.strip():
        dispatcher.utter_message(text="请问您想预约哪本书？告诉我书名即可，例如：预约《活着》。")
        return None
    if invalid_isbn(query):
        dispatcher.utter_message(
            text=f"“{quote(query)}”不是有效的 ISBN，请核对后再发，或告诉我书名。"
        )
        return None
    listed = None if named else listed_result_named(tracker)
    if listed is not None and WHICH_EDITION.match(query):
        return services().catalogue.title(listed)  # "要第2版" of the results listed
    query, result = searched(tracker, query, CHOICES, for_a_hold=True)
    if not result.hits and not named:
        query, result = clause_found(text, query, result)
    if (not result.hits or result.near) and listed is not None:
        return services().catalogue.title(listed)  # "死亡圣器先给我约上" of those listed
    if not result.hits and not named and answer_if_certain(
            dispatcher, tracker, tracker.latest_message.get("text", "")):
        return None  # "能帮我预约一下进馆吗": not a book, a question the FAQ answers
    if not result.hits and not named and QUESTION.search(text) \
            and not looks_like_a_title(query) and answer_or_menu(dispatcher, tracker, text):
        return None  # "线上约书要付费吗，还是不要钱": a question about holds, not a title
    if not result.hits:
        dispatcher.utter_message(
            text=f"本馆没有找到“{quote(query)}”，无法预约。您可以向图书馆荐购这本书。",
            buttons=[{"title": "我要荐购", "payload": "我想荐购一本书"}],
            **outcome("search", no_match=True, titles=[]),
        )
        return None
    first = result.hits[0]
    if not result.near and (result.total == 1 or title_key(first.title) == title_key(query)
                            or typed_nearly_whole(first.title, text)):
        return first  # (a near match is offered to choose: never held for a title not named)
    dispatcher.utter_message(
        text=(f"没有找到“{quote(query)}”，您要预约的是不是下面其中一本？" if result.near
              else "找到了好几本，请选择要预约的是哪一本："),
        buttons=[
            {"title": f"《{hit.title}》{hit.author}",
             "payload": payload("place_reservation", bib_id=str(hit.bib_id))}
            for hit in result.hits
        ],
        **outcome("search", titles=[hit.title for hit in result.hits],
                  bib_ids=[hit.bib_id for hit in result.hits], near=result.near),
    )
    return None


class ActionPlaceReservation(FaqFirst):
    action_name = "action_place_reservation"
    about_a_title = HOLD_WORDS
    # not 给我 alone: "预约的书能给我留几天" asks a rule
    requests = re.compile(r"帮我|给我(约|预约|预定|订|借|留(?![几多]))|替我|我想|我要|预约一下|"
                          r"想借|借一本|就要|第.本|预约这|留一本")
    # the hold's own verbs are no subject of a question ("可以帮我预约下…吗": the FAQ's
    # entry on holds does not answer it)
    own_words = re.compile(f"{requests.pattern}|预约|预定|预订|约|{HOLD_ASKED.pattern}")

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        chosen = choose_title(dispatcher, tracker)
        # another edition is confirmed first, whatever was pressed for the one chosen
        switched = False
        if chosen is not None and not chosen.availability:
            switched, chosen = True, self.edition_with_copies(dispatcher, chosen)
        if chosen is None:
            return clear_hold_slots()
        info = services().info
        named = latest_entity_values(tracker, "branch")
        branch_name = (named[0] if named else tracker.get_slot("pickup_branch")
                       or confirmed_default(tracker))
        pickup = info.find_branch(branch_name) if branch_name else None
        remembered = [SlotSet("bib_id", str(chosen.bib_id)),
                      SlotSet("pickup_branch", pickup.name if pickup else None)]
        reader = verified_reader(tracker)
        text = tracker.latest_message.get("text", "")
        if reader is None:
            if HELD_ASKED.search(normalise(text)):
                # "有没有某书 有的话替我约上": whether it is held, before the card is asked for
                dispatcher.utter_message(text=f"馆里有这本书：\n{hit_text(chosen)}", **outcome(
                    "search", titles=[chosen.title], bib_ids=[chosen.bib_id], near=False))
            return remembered + login_first(dispatcher, tracker, f"预约《{chosen.title}》",
                                            "place_hold")
        changed = bool(named) and bool(CHANGES_PICKUP.search(text))
        if pickup is None or changed or switched or not confirmed(tracker, chosen.bib_id):
            # the reader confirms the title and the branch named, or chooses one
            self.confirm(dispatcher, chosen, pickup)
            return remembered
        result = services().circulation.place_hold(reader, chosen.bib_id, pickup.code)
        placed = (outcome("hold_placed", title=chosen.title, branch=pickup.code)
                  if result.hold is not None
                  else outcome("hold_refused", reason=result.outcome.value))
        dispatcher.utter_message(text=self.outcome_text(chosen, result), **placed)
        return clear_hold_slots()

    @staticmethod
    def edition_with_copies(dispatcher: CollectingDispatcher, chosen: TitleHit
                            ) -> TitleHit | None:
        """A record without a copy anywhere cannot be held: another edition of the title
        (same title and author) that has copies, said so; or None, the reader told and
        offered 荐购."""
        wanted = title_key(EDITION_NOTE.sub("", chosen.title))
        editions = [hit for hit in services().catalogue.search(wanted, limit=EDITIONS).hits
                    if hit.availability and hit.author == chosen.author
                    and title_key(EDITION_NOTE.sub("", hit.title)) == wanted]
        if not editions:
            dispatcher.utter_message(
                text=f"《{chosen.title}》馆里暂无复本，无法预约。您可以向图书馆荐购这本书。",
                buttons=[{"title": "我要荐购", "payload": "我想荐购一本书"}],
                **outcome("hold_refused", reason=HoldOutcome.NOT_HELD_BY_LIBRARY.value))
            return None
        edition = editions[0]
        published = f"{edition.publisher}{f'{edition.year}年' if edition.year else ''}版"
        dispatcher.utter_message(text=f"这一版《{chosen.title}》馆里暂无复本，"
                                      f"为您改为预约馆里有的{published}。")
        return edition

    def take_reply(self, dispatcher: CollectingDispatcher, tracker: Tracker
                   ) -> list[dict[str, Any]]:
        """Another title asked for at the confirmation ("换成某书吧") is confirmed in its
        place (in an edition with copies, as a title asked for first), for the pickup
        branch already chosen."""
        if (switched := title_switched_to(tracker)) is None:
            return super().take_reply(dispatcher, tracker)
        if not switched.availability:
            switched = self.edition_with_copies(dispatcher, switched)
            if switched is None:  # told so; the title offered before is still to confirm
                return []
        branch = tracker.get_slot("pickup_branch")
        pickup = services().info.find_branch(branch) if branch else None
        self.confirm(dispatcher, switched, pickup)
        return [SlotSet("bib_id", str(switched.bib_id))]

    @staticmethod
    def confirm(dispatcher: CollectingDispatcher, chosen: TitleHit,
                pickup: BranchInfo | None = None) -> None:
        """Asks to confirm the title and the pickup branch: the one the reader named
        first ("确认" takes it), then those with a copy on the shelf."""
        branches = [b.name for b in services().info.branches()]
        shelves = [a.branch for a in sorted(chosen.availability, key=lambda a: not a.on_shelf)]
        named = [pickup.name] if pickup else []
        order = list(dict.fromkeys([*named, *shelves, *branches[:1]]))
        where = "；".join(f"{a.branch}{'有书在架' if a.on_shelf else '暂无在架'}"
                         for a in chosen.availability)
        ask = (f"在{pickup.name}取书。回复“确认”即可，或选择其他取书的馆："
               if pickup else "请选择取书的馆（也可以直接回复馆名）：")
        dispatcher.utter_message(
            text=f"确认预约《{chosen.title}》（{chosen.author}）吗？{where}。{ask}",
            buttons=[{"title": f"在{name}取书",
                      "payload": payload("place_reservation", bib_id=str(chosen.bib_id),
                                         branch=name)} for name in order[:4]]
            + [{"title": "不预约了", "payload": "/deny"}],
            **outcome("hold_confirm", title=chosen.title, bib_id=chosen.bib_id,
                      branches=order[:4]),
        )

    @staticmethod
    def outcome_text(title: TitleHit, result: HoldResult) -> str:
        outcome = result.outcome
        if result.hold is not None:
            return "预约成功！" + hold_text(result.hold)
        return {
            HoldOutcome.DUPLICATE: f"您已经预约过《{title.title}》了，可以说“我的预约”查看。",
            HoldOutcome.LIMIT_REACHED:
                f"您的读者证最多同时预约 {result.limit} 本，已达上限。可以先取消不需要的预约。",
            HoldOutcome.NOT_HELD_BY_LIBRARY: f"《{title.title}》目前没有可预约的馆藏复本。",
            HoldOutcome.CARD_NOT_USABLE:
                "您的读者证目前不能预约（已停用或过期），请到馆服务台咨询。",
        }[outcome]


class ActionListReservations(FaqFirst):
    action_name = "action_list_reservations"
    about_a_title = HOLD_WORDS
    # asking for one's own holds is no rule question, whatever it names, unless it asks
    # how long a hold is kept or what comes of not fetching it
    personal = True
    rule_words = HOLD_KEPT
    # not 帮我/给我 alone: "预约的书能给我留几天" asks a rule
    requests = re.compile(r"我的|[帮给]我(看|查|列)|查一下|查查|看看|查看|"
                          r"我(都|在\w{1,5}|一共|总共)?(预约|约)了|"
                          r"我(预约|约)的")

    def asks_about_own(self, tracker: Tracker) -> bool:
        """The status of the holds placed, in a question's words ("预订的那几本这会儿可以
        过去领了不"), or what is left of them right after they were spoken of (see
        asks_whats_left_of_the_holds)."""
        return asks_after_a_hold(normalise(tracker.latest_message.get("text", ""))) \
            or asks_whats_left_of_the_holds(tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        reader = verified_reader(tracker)
        if reader is None:
            return login_first(dispatcher, tracker, "查看预约", "list_holds")
        holds = services().circulation.holds(reader)
        bookings = services().activities.bookings(reader, since=clock.today())
        if not holds and not bookings:
            dispatcher.utter_message(text=f"{reader.name}，您目前没有进行中的预约或活动报名。",
                                     **outcome("holds_list", count=0))
            return []
        if holds:
            dispatcher.utter_message(
                text=f"{reader.name}，您有 {len(holds)} 条图书预约：\n"
                + "\n".join(f"{n}. {hold_text(h)}" for n, h in enumerate(holds, start=1)),
                buttons=[{"title": f"取消《{h.title}》",
                          "payload": payload("cancel_reservation", hold_id=str(h.hold_id))}
                         for h in holds],
                **outcome("holds_list", count=len(holds), hold_ids=[h.hold_id for h in holds]),
            )
        if bookings:
            dispatcher.utter_message(
                text="您报名或预约的活动和场地：\n" + "\n".join(
                    f"{n}. {b.what}（{b.branch}，{b.starts_at:%m月%d日 %H:%M}）"
                    for n, b in enumerate(bookings, start=1)),
                buttons=[{"title": f"取消 {b.what} {b.starts_at:%m-%d %H:%M}",
                          "payload": payload("cancel_booking", booking_id=str(b.booking_id))}
                         for b in bookings],
                **outcome("bookings_list", count=len(bookings)),
            )
        return []


def the_one_hold_named(holds: list[Hold], titles: list[str], text: str,
                       branches: list[str]) -> int | None:
    """The hold whose title the reader's request named: the NLU's title, else a hold's
    title in its words ("罗生门那本不要了", also by a part: "讲罗马那本"), else the one
    to be picked up at the branch it names ("总馆那本到了的不要了", "河西领的那本"); None
    unless exactly one matches and the request asks nothing ("我约的罗生门取消了吗" is a
    question)."""
    if QUESTION.search(normalise(text)):
        matching = []
    elif titles:
        wanted = title_key(titles[0])
        matching = [h for h in holds if wanted and wanted in title_key(h.title)]
    else:
        words = title_key(text)
        matching = [h for h in holds if (key := title_key(main_title(h.title)))
                    and len(key) >= 2 and key in words]
        if not matching:  # "罗马帝国那本": the start of a longer title
            matching = [h for h in holds
                        if _shared_run(title_key(main_title(h.title)), words) >= PART_OF_A_TITLE]
        if not matching:
            place = PICKED_UP_AT.search(text)
            matching = [h for h in holds if h.pickup_branch in branches
                        or (place is not None and place.group("place") in h.pickup_branch)]
        if not matching:  # "讲罗马那本": two characters only one title has, of the words
            # that are not the request's
            named = title_key(NOT_A_TITLES_WORD.sub(" ", text))
            matching = [h for h in holds
                        if _shared_run(title_key(main_title(h.title)), named) >= len("罗马")]
            matching = matching if len(matching) == 1 else []
        status = "ready" if READY_TO_COLLECT.search(text) else (
            "waiting" if STILL_WAITING.search(text) else None)
        if len(matching) > 1 and status:
            matching = [h for h in matching if h.status == status]
    return matching[0].hold_id if len(matching) == 1 else None


#: a hold that has come in ("到馆待取的", "已经到了的那本")
READY_TO_COLLECT = re.compile(r"(等着|等我|可以|能|待)取(?!消)|到馆|到了的|已经到了|书到了")
#: ... and one that has not ("还在排队的那本", "还没到的")
STILL_WAITING = re.compile(r"排队|还没到|没到的|在等")


#: the fewest characters in a row a request shares with a title to name it by a part
#: (two when only one title shares them)
PART_OF_A_TITLE = 3
#: the words of a request to cancel, of a hold's state and of pointing at it: no title's
NOT_A_TITLES_WORD = re.compile(f"{CANCELLING.pattern}|{READY_TO_COLLECT.pattern}|"
                               f"{STILL_WAITING.pattern}|那本|这本|的|了|吧|掉")
#: where a hold is picked up, said of it ("河西领的那本", "在江宁拿的")
PICKED_UP_AT = re.compile(r"[那在到去]?(?P<place>[\u4e00-\u9fff]{2,4}?)(?:那边|那儿)?[取拿领]的")


def _shared_run(title: str, words: str) -> int:
    match = SequenceMatcher(None, title, words, autojunk=False).find_longest_match(
        0, len(title), 0, len(words))
    return match.size


def gives_up_the_hold_offered(tracker: Tracker) -> bool:
    """"取消 刚想起来同事那儿有一本" to a hold's confirmation: the hold offered given up, not
    one already placed to be cancelled — no hold named by its title or number."""
    return (previous(tracker, "hold_confirm") is not None
            and not entity_or_slot(tracker, "hold_id")
            and not latest_entity_values(tracker, "title")
            and "《" not in tracker.latest_message.get("text", ""))


class ActionCancelReservation(FaqFirst):
    action_name = "action_cancel_reservation"
    about_a_title = HOLD_WORDS
    requests = re.compile(r"帮我|给我|我要|我想|取消我的|我(预约|约)的|(取消|撤销?|删)(掉|了)?吧|"
                          r"第.个|这个")
    # the hold's own words are no subject of a question ("某书那条预约用不着了，劳驾撤了":
    # the FAQ's entry on cancelling does not answer it)
    own_words = re.compile(f"{requests.pattern}|预约|预定|预订|约|取消|撤销|撤|不需要了?|不要了?")

    def act(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        if hold_chosen(tracker) is not None:  # one of the holds just listed: no rule asked
            return self.request(dispatcher, tracker)
        if gives_up_the_hold_offered(tracker):
            dispatcher.utter_message(text="好的，不预约了。还有其他可以帮您的吗？",
                                     **outcome("cancelled"))
            return clear_hold_slots()
        return super().act(dispatcher, tracker)

    def request(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        hold_id = as_id(entity_or_slot(tracker, "hold_id")) or hold_chosen(tracker)
        titles = latest_entity_values(tracker, "title")
        reader = verified_reader(tracker)
        if reader is None:
            keep = [SlotSet("hold_id", str(hold_id))] if hold_id else []
            return keep + login_first(dispatcher, tracker, "取消预约", "cancel_hold")
        holds = services().circulation.holds(reader)
        if hold_id is None:
            hold_id = the_one_hold_named(
                holds, titles, request_text(tracker, "cancel_reservation"),
                request_entity_values(tracker, "cancel_reservation", "branch"))
        if hold_id is None:
            if not holds:
                dispatcher.utter_message(text="您目前没有进行中的图书预约。",
                                         **outcome("holds_list", count=0))
                return clear_hold_slots()
            dispatcher.utter_message(
                text="请选择要取消的预约：",
                buttons=[{"title": f"取消《{h.title}》",
                          "payload": payload("cancel_reservation", hold_id=str(h.hold_id))}
                         for h in holds],
                **outcome("holds_list", count=len(holds), hold_ids=[h.hold_id for h in holds]),
            )
            return clear_hold_slots()
        if services().circulation.cancel_hold(reader, hold_id):
            dispatcher.utter_message(text="已为您取消这条预约。", **outcome("hold_cancelled"))
        else:
            dispatcher.utter_message(
                text="没有找到这条预约：它可能已经取消、已取书，或不属于您的读者证。"
            )
        return clear_hold_slots()


#: asking what is left ("眼下还剩几条", "还挂着几本"), in a few words
WHATS_LEFT = re.compile(r"(还剩|剩下的?|还挂着|还约着|还有)(哪几|哪些|几|多少)(本|条|个)?")
WHATS_LEFT_LENGTH = 12


def asks_whats_left_of_the_holds(tracker: Tracker) -> bool:
    """"那现在还剩几本" right after the holds were listed, cancelled or placed: the holds
    again (not the loans, nor the FAQ's entry on how to see them)."""
    text = normalise(tracker.latest_message.get("text", ""))
    return (previous(tracker, "holds_list", "hold_cancelled", "hold_placed") is not None
            and WHATS_LEFT.search(text) is not None and len(text) <= WHATS_LEFT_LENGTH)


#: the characters of a clause that may name another title at the confirmation
MIN_SWITCHED = 2
#: another title asked for instead of the one to confirm ("诶，换成某书") ...
SWITCHES_TO = re.compile(r"(?:换成|改成|改约|换一本|换本)(?P<words>[^，,。？?！!\s]{2,20})")
#: ... or the one offered said to be the wrong one ("弄错了 要的是某书", "并非这本")
CORRECTS = re.compile(r"搞错|弄错|不是这本|要的是")
#: ... a clause that turns a title down rather than asks for it ("不要某书", "某书看过了")
TURNS_DOWN = re.compile(r"不要|不是|别|看过|读过")


def title_switched_to(tracker: Tracker) -> TitleHit | None:
    """The held title a reply to the hold's confirmation switches to, if another: named
    after 换成, or in a clause of a reply that says the one offered is wrong — by its own
    title, one title only (not an author's books, nor a series: those are asked about)."""
    offered = previous(tracker, "hold_confirm")
    text = tracker.latest_message.get("text", "")
    if offered is None:
        return None
    if switch := SWITCHES_TO.search(text):
        named = [switch.group("words")]
    elif CORRECTS.search(text):
        named = [part for part in clauses(text)
                 if len(title_key(part)) >= MIN_SWITCHED and not TURNS_DOWN.search(part)]
    else:
        return None
    for words in named:
        found = held_title(words)
        hits = found[1].hits if found else []
        titles = {main_title(hit.title) for hit in hits
                  if title_key(main_title(hit.title)) in title_key(words)}
        if len(titles) == 1 and hits[0].bib_id != offered.get("bib_id") \
                and main_title(hits[0].title) in titles:
            return hits[0]
    return None


LibraryAction.replies_to_previous += [
    (lambda tracker: title_switched_to(tracker) is not None, ActionPlaceReservation),
    (asks_whats_left_of_the_holds, ActionListReservations),
    (pickup_chosen, ActionPlaceReservation),
    (lambda tracker: confirmed_default(tracker) is not None, ActionPlaceReservation),
    (lambda tracker: result_chosen(tracker) is not None, ActionPlaceReservation),
    (lambda tracker: hold_chosen(tracker) is not None, ActionCancelReservation),
]
