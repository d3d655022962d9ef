"""An upcoming event named by its own words ("城墙故事那期", "手工坊那天"): which one, and
its day (for the hours of that day)."""

from __future__ import annotations

import re

from actions.faq_answers import LIBRARY_NAMES
from actions.library import services
from bot import clock
from bot.services.faq_retrieval import literal_bigrams
from bot.services.interface import EventInfo
from bot.services.search_text import normalise

#: characters that join a title's words: a pair with one of them names nothing
JOINING_CHARS = frozenset("的之与和及")
#: names that are no event's own: the library's and the city's
NOT_AN_EVENTS_NAME = re.compile("|".join(map(re.escape, sorted(
    LIBRARY_NAMES | {"南京", "图书馆"}, key=len, reverse=True))))


def the_one_named(text: str, titles: dict[int, str]) -> int | None:
    """The one event (of these, by id) whose title the message names by two characters in
    a row no other of them has ("城墙故事那期" of 金图讲坛·南京城墙的故事; not 阅美四季, which
    three share, nor the library's name: "金图近期的活动"); None when none or several are
    named so."""
    seen: dict[str, set[int]] = {}
    for event, title in titles.items():
        for pair in frozenset().union(*map(literal_bigrams, title.split("·"))):
            if not set(pair) & JOINING_CHARS:  # 的故 of 城墙的故事 names nothing
                seen.setdefault(pair, set()).add(event)
    said = frozenset().union(*map(literal_bigrams, NOT_AN_EVENTS_NAME.split(normalise(text))))
    named = {next(iter(events)) for pair, events in seen.items()
             if len(events) == 1 and pair in said}
    return named.pop() if len(named) == 1 else None


#: the day of something named ("手工坊那天", "讲座当天")
THAT_DAY = re.compile(r"那天|当天|那日|那一天")


def event_of_the_day_named(text: str) -> EventInfo | None:
    """The one upcoming event a message names by its own words with 那天 or 当天 ("诗会
    当天开到几点"): its day is the day asked about, at its branch. None if none."""
    if not THAT_DAY.search(text):
        return None
    events = services().activities.upcoming_events(clock.now())
    chosen = the_one_named(text, {event.event_id: event.title for event in events})
    return next((event for event in events if event.event_id == chosen), None)
