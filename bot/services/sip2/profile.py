"""How the library's ILS fills what SIP2 leaves open, in one place: branch locations,
the blocked-card rule, the extension fields read, the layout of hold and fine items and
the words of its refusals (docs/ils-integration.md). Another ILS changes this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from bot.services.interface import Fee, HoldOutcome, RenewalOutcome, card_status
from bot.services.sip2.codec import FrameError, Message, sip_date

Outcome = TypeVar("Outcome", HoldOutcome, RenewalOutcome)

# Positions of the 63 summary (one list of items per request) and their 64 fields.
HOLD_ITEMS, CHARGED_ITEMS, FINE_ITEMS, UNAVAILABLE_HOLDS = 0, 2, 3, 5
DETAIL_FIELDS = {HOLD_ITEMS: "AS", CHARGED_ITEMS: "AU", FINE_ITEMS: "AV",
                 UNAVAILABLE_HOLDS: "CD"}
#: patron status flags (64): charge, renewal and hold privileges denied; card reported lost
CHARGE_DENIED, RENEWAL_DENIED, HOLD_DENIED, CARD_LOST = 0, 1, 3, 4
#: extension fields (3M's): card expiry date, patron class (the card type's code)
EXPIRY, PATRON_CLASS = "PA", "PC"

RENEWAL_REFUSALS = (
    ("续借次数", RenewalOutcome.MAX_RENEWALS),
    ("预约", RenewalOutcome.RESERVED),
    ("逾期", RenewalOutcome.TOO_OVERDUE),
    ("读者证", RenewalOutcome.CARD_NOT_USABLE),
    ("未借", RenewalOutcome.NOT_YOUR_LOAN),
)
HOLD_REFUSALS = (
    ("已预约", HoldOutcome.DUPLICATE),
    ("上限", HoldOutcome.LIMIT_REACHED),
    ("读者证", HoldOutcome.CARD_NOT_USABLE),
    ("无可预约", HoldOutcome.NOT_HELD_BY_LIBRARY),
)


@dataclass(frozen=True)
class Locations:
    """The assistant's branch codes (branch.code) and the ILS's SIP2 location ids:
    SIP2_LOCATIONS, e.g. "JL-MAIN=01,JL-HEXI=02"; a branch not named keeps its code."""

    by_branch: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str) -> Locations:
        pairs = (item.split("=", 1) for item in text.split(",") if "=" in item)
        return cls({branch.strip(): location.strip() for branch, location in pairs})

    def location(self, branch_code: str) -> str:
        return self.by_branch.get(branch_code, branch_code)

    def branch(self, location: str) -> str:
        return next((code for code, known in self.by_branch.items() if known == location),
                    location)


@dataclass(frozen=True)
class Patron:
    """A 64 Patron Information response, read."""

    name: str
    valid: bool  # BL: the ILS knows the card
    password_ok: bool  # CQ: the password sent was right
    blocked: bool
    expires_on: date | None
    patron_class: str
    holds: int  # ready and waiting
    loans: int
    hold_limit: int | None
    loan_limit: int | None
    items: list[str]  # the list asked for in the summary

    def state(self, today: date) -> str:
        return card_status(self.blocked, self.expires_on, today)


def _count(text: str) -> int:
    return int(text) if text.strip().isdigit() else 0


def _limit(text: str) -> int | None:
    return int(text) if text.strip().isdigit() else None


def patron(reply: Message, detail: int | None) -> Patron:
    status = reply.fixed[:14]
    counts = [_count(reply.fixed[35 + 4 * n:39 + 4 * n]) for n in range(6)]
    denied = all(status[flag] == "Y" for flag in (CHARGE_DENIED, RENEWAL_DENIED, HOLD_DENIED))
    return Patron(
        name=reply.get("AE"), valid=reply.get("BL") == "Y",
        password_ok=reply.get("CQ") == "Y", blocked=denied or status[CARD_LOST] == "Y",
        expires_on=sip_date(reply.get(EXPIRY)), patron_class=reply.get(PATRON_CLASS),
        holds=counts[HOLD_ITEMS] + counts[UNAVAILABLE_HOLDS], loans=counts[CHARGED_ITEMS],
        hold_limit=_limit(reply.get("BZ")), loan_limit=_limit(reply.get("CB")),
        items=reply.all(DETAIL_FIELDS[detail]) if detail is not None else [],
    )


@dataclass(frozen=True)
class HoldItem:
    barcode: str
    pickup_location: str
    queue_position: int | None
    placed_at: datetime | None
    pickup_deadline: date | None


def hold_item(value: str) -> HoldItem:
    """An AS/CD entry: `barcode pickup-location queue-position placed(YYYYMMDDHHMMSS)
    pickup-deadline(YYYYMMDD or -)`; an ILS that sends only the barcode gives no more."""
    barcode, location, queue, placed, deadline = (value.split() + [""] * 5)[:5]
    try:
        placed_at = datetime.strptime(placed, "%Y%m%d%H%M%S") if placed else None
    except ValueError:
        placed_at = None
    return HoldItem(barcode, location, int(queue) if queue.isdigit() and int(queue) else None,
                    placed_at, sip_date(deadline))


def cents(amount: str) -> int:
    try:
        return int(Decimal(amount.strip()) * 100)
    except InvalidOperation as error:
        raise FrameError("an amount that is not a number") from error


def fine_item(value: str) -> Fee:
    """An AV entry: `amount since(YYYYMMDD) fee|accruing reason title`."""
    parts = value.split(" ", 4)
    if len(parts) < 5:
        raise FrameError("a fine item of another layout")
    amount, since, kind, reason, title = parts
    return Fee(cents(amount), reason, title, sip_date(since) or date.min,
               accruing=kind == "accruing")


def refusal(reply: Message, known: tuple[tuple[str, Outcome], ...],
            default: Outcome) -> tuple[Outcome, int | None]:
    """Why the ILS said no (its screen message, AF), and the number it quotes if any."""
    text = " ".join(reply.all("AF"))
    number = re.search(r"\d+", text)
    reason = next((outcome for words, outcome in known if words in text), default)
    return reason, int(number.group()) if number else None
