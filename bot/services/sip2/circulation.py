"""Circulation from the library's ILS over SIP2 (docs/ils-integration.md).

The ILS decides: card and password (63), holds (15, and the hold lists of 63), loans
(the charged items of 63, with 17 for titles and due dates), renewals (29, 65) and
fees (the fine items of 63). The assistant's database keeps what belongs to the
conversation (password prompts, verified sessions, login throttling: SqlReaderLogin),
a copy of each verified patron in the reader table (the row sessions refer to), and the
catalogue, whose copies carry the ILS's barcodes: a loan's id is its copy's item id,
a hold's id its title's record id.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import ParamSpec, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import BibRecord, Branch, CardType, Item, Reader
from bot.services.interface import (
    AccountStatus,
    Hold,
    HoldOutcome,
    HoldResult,
    Loan,
    OutcomeUnknownError,
    ReaderRef,
    RenewalOutcome,
    RenewalResult,
    Verification,
)
from bot.services.passwords import check_password, hash_password
from bot.services.sip2 import profile
from bot.services.sip2.client import Sip2Client, Sip2Error
from bot.services.sip2.codec import Message, sendable, sip_date, sip_datetime
from bot.services.sip2.once import OnceAtATime
from bot.services.sip2.profile import Locations, Patron
from bot.services.sql.reader_login import SqlReaderLogin
from bot.services.sql.session import SqlStore

logger = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

#: a renewal just made is the answer to the same renewal asked again this soon
RECENT_RENEWAL_SECONDS = 60.0
NO_PASSWORD_HASH = "!"  # a patron mirrored before their password was ever right
NO_DATE = " " * 18


def readable(method: Callable[P, R]) -> Callable[P, R]:
    """An answer the profile cannot read (a field out of shape) is an ILS failure the
    reader is told about politely, like one that never came."""
    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (ValueError, IndexError) as error:
            raise Sip2Error(f"SIP2 答复无法解析（{type(error).__name__}）") from None
    return wrapper


@dataclass(frozen=True)
class Copy:
    """A 17 Item Information response, read."""

    barcode: str
    title: str
    due_date: date | None
    branch_code: str
    holds_waiting: int


def _kept(outcome: object) -> bool:
    renewed = isinstance(outcome, RenewalResult) and outcome.outcome is RenewalOutcome.RENEWED
    return renewed or isinstance(outcome, (list, OutcomeUnknownError))


class Sip2Circulation(SqlReaderLogin):
    def __init__(self, store: SqlStore, client: Sip2Client, locations: Locations) -> None:
        super().__init__(store)
        self.client = client
        self.locations = locations
        self.institution = client.config.institution
        self._renewals = OnceAtATime(RECENT_RENEWAL_SECONDS, keep=_kept)
        self._holds = OnceAtATime(0.0, keep=lambda _: False)

    # --- verification -----------------------------------------------------------

    @readable
    def _check_card(self, session: Session, reader: Reader | None, card: str, password: str,
                    now: datetime) -> tuple[Reader | None, Verification | None]:
        if not (card and sendable(card)):
            return reader, Verification.UNKNOWN_CARD
        if not sendable(password):
            return reader, Verification.WRONG_PASSWORD
        found = self._patron(card, password=password)
        if not found.valid:
            return reader, Verification.UNKNOWN_CARD
        reader = self._mirror(session, reader, card, found)
        state = found.state(now.date())
        if state != "active":
            return reader, (Verification.CARD_BLOCKED if state == "blocked"
                            else Verification.CARD_EXPIRED)
        if not found.password_ok:
            return reader, Verification.WRONG_PASSWORD
        if not check_password(password, reader.password_hash):
            # A new password at the ILS: sessions verified with the old one end.
            reader.password_hash = hash_password(password)
        return reader, None

    def _mirror(self, session: Session, reader: Reader | None, card: str,
                found: Patron) -> Reader:
        """The ILS's patron in the reader table (created on first verification)."""
        card_type = self._card_type(session, found)
        if reader is None:
            reader = Reader(card_number=card, password_hash=NO_PASSWORD_HASH,
                            expires_on=date.max)
            session.add(reader)
        reader.name = found.name or card
        reader.card_type_code = card_type
        reader.status = "blocked" if found.blocked else "active"
        reader.expires_on = found.expires_on or reader.expires_on
        session.flush()
        return reader

    @staticmethod
    def _card_type(session: Session, found: Patron) -> str:
        code = found.patron_class[:16] or "sip2"
        if session.get(CardType, code) is None:
            session.add(CardType(code=code, name=found.patron_class or "读者证",
                                 max_active_holds=found.hold_limit or 0,
                                 max_loans=found.loan_limit or 0))
            session.flush()
        return code

    # --- SIP2 requests ---------------------------------------------------------------

    def _patron(self, card: str, password: str | None = None,
                detail: int | None = None) -> Patron:
        summary = "".join("Y" if n == detail else " " for n in range(10))
        fields = [("AO", self.institution), ("AA", card)]
        if password is not None:
            fields.append(("AD", password))
        if detail is not None:
            fields += [("BP", "1"), ("BQ", "99")]
        reply = self.client.request(
            Message("63", "000" + sip_datetime(clock.now()) + summary, tuple(fields)), "64")
        return profile.patron(reply, detail)

    def _copy(self, barcode: str) -> Copy:
        reply = self.client.request(Message("17", sip_datetime(clock.now()), (
            ("AO", self.institution), ("AB", barcode))), "18")
        return Copy(barcode, reply.get("AJ"), sip_date(reply.get("AH")),
                    self.locations.branch(reply.get("AQ")), int(reply.get("CF") or 0))

    def _change(self, command: str, fixed: str, fields: list[tuple[str, str]],
                answer: str) -> Message:
        """A request that changes something; one without an answer is logged."""
        try:
            return self.client.request(
                Message(command, fixed, (("AO", self.institution), *fields)), answer,
                changes=True)
        except OutcomeUnknownError:
            logger.warning("SIP2 %s for item %s was sent and not answered: it may have been "
                           "carried out", command, dict(fields).get("AB", "(all loans)"))
            raise

    # --- the catalogue's ids for the ILS's barcodes -----------------------------------

    def _catalogue(self, barcodes: list[str]) -> dict[str, tuple[int, int, str]]:
        """barcode -> (item id, record id, title), for the copies the catalogue has."""
        if not barcodes:
            return {}
        with self.store.session() as session:
            rows = session.execute(
                select(Item.barcode, Item.id, Item.bib_id, BibRecord.title)
                .join(BibRecord, BibRecord.id == Item.bib_id).where(Item.barcode.in_(barcodes)))
            return {barcode: (item_id, bib_id, title) for barcode, item_id, bib_id, title in rows}

    def _barcode(self, item_id: int) -> str | None:
        with self.store.session() as session:
            return session.execute(select(Item.barcode).where(Item.id == item_id)).scalar()

    def _branch_name(self, code: str) -> str:
        with self.store.session() as session:
            name = session.execute(select(Branch.name).where(Branch.code == code)).scalar()
        return name or code

    # --- holds ---------------------------------------------------------------------

    @readable
    def place_hold(self, reader: ReaderRef, bib_id: int, pickup_branch_code: str) -> HoldResult:
        return self._holds.run(("hold", reader.card_number, bib_id),
                               lambda: self._place_hold(reader, bib_id, pickup_branch_code))

    def _place_hold(self, reader: ReaderRef, bib_id: int, pickup_branch_code: str) -> HoldResult:
        with self.store.session() as session:
            copies = session.execute(
                select(Item.barcode, Branch.code, BibRecord.title)
                .join(Branch, Branch.id == Item.branch_id)
                .join(BibRecord, BibRecord.id == Item.bib_id)
                .where(Item.bib_id == bib_id, Item.status != "lost").order_by(Item.id)).all()
        if not copies:
            return HoldResult(HoldOutcome.NOT_HELD_BY_LIBRARY)
        found = self._patron(reader.card_number)
        if found.state(clock.today()) != "active":
            return HoldResult(HoldOutcome.CARD_NOT_USABLE)
        if found.hold_limit is not None and found.holds >= found.hold_limit:
            return HoldResult(HoldOutcome.LIMIT_REACHED, limit=found.hold_limit)
        barcode = next((c.barcode for c in copies if c.code == pickup_branch_code), copies[0][0])
        pickup = self.locations.location(pickup_branch_code)
        reply = self._change("15", "+" + sip_datetime(clock.now()), [
            ("AA", reader.card_number), ("BS", pickup), ("BY", "2"), ("AB", barcode)], "16")
        if reply.fixed[0] != "1":
            outcome, _ = profile.refusal(reply, profile.HOLD_REFUSALS, HoldOutcome.DUPLICATE)
            limited = outcome is HoldOutcome.LIMIT_REACHED
            return HoldResult(outcome, limit=found.hold_limit if limited else None)
        ready = reply.fixed[1] == "Y"
        queue = reply.get("BR")
        hold = Hold(
            hold_id=bib_id, title=reply.get("AJ") or copies[0].title,
            pickup_branch=self._branch_name(self.locations.branch(reply.get("BS") or pickup)),
            status="ready" if ready else "waiting",
            queue_position=None if ready or not queue.isdigit() else int(queue),
            pickup_deadline=sip_date(reply.get("BW")) if ready else None,
            created_at=clock.now())
        return HoldResult(HoldOutcome.READY if ready else HoldOutcome.QUEUED, hold=hold)

    def _hold_items(self, reader: ReaderRef) -> list[tuple[profile.HoldItem, str]]:
        ready = self._patron(reader.card_number, detail=profile.HOLD_ITEMS).items
        waiting = self._patron(reader.card_number, detail=profile.UNAVAILABLE_HOLDS).items
        return [(profile.hold_item(value), "ready") for value in ready] + [
            (profile.hold_item(value), "waiting") for value in waiting]

    @readable
    def holds(self, reader: ReaderRef) -> list[Hold]:
        items = self._hold_items(reader)
        known = self._catalogue([item.barcode for item, _ in items])
        holds = []
        for item, status in items:
            _, bib_id, title = known.get(item.barcode) or (0, 0, self._copy(item.barcode).title)
            holds.append(Hold(
                hold_id=bib_id, title=title,
                pickup_branch=self._branch_name(self.locations.branch(item.pickup_location)),
                status=status,
                queue_position=item.queue_position if status == "waiting" else None,
                pickup_deadline=item.pickup_deadline if status == "ready" else None,
                created_at=item.placed_at or datetime.combine(clock.today(), datetime.min.time()),
            ))
        return sorted(holds, key=lambda hold: (hold.created_at, hold.hold_id))

    @readable
    def cancel_hold(self, reader: ReaderRef, hold_id: int) -> bool:
        return self._holds.run(("cancel", reader.card_number, hold_id),
                               lambda: self._cancel_hold(reader, hold_id))

    def _cancel_hold(self, reader: ReaderRef, hold_id: int) -> bool:
        """Cancels one of the reader's own holds (the ILS lists only theirs)."""
        items = self._hold_items(reader)
        known = self._catalogue([item.barcode for item, _ in items])
        barcode = next((item.barcode for item, _ in items
                        if hold_id > 0 and known.get(item.barcode, (0, 0, ""))[1] == hold_id),
                       None)
        if barcode is None:
            return False
        reply = self._change("15", "-" + sip_datetime(clock.now()), [
            ("AA", reader.card_number), ("AB", barcode)], "16")
        return reply.fixed[0] == "1"

    # --- loans -----------------------------------------------------------------------

    @readable
    def loans(self, reader: ReaderRef) -> list[Loan]:
        """The reader's loans, the earliest due (so the overdue ones) first."""
        barcodes = self._patron(reader.card_number, detail=profile.CHARGED_ITEMS).items
        known = self._catalogue(barcodes)
        loans = [self._loan(self._copy(barcode), known.get(barcode, (0, 0, ""))[0])
                 for barcode in barcodes]
        return sorted(loans, key=lambda loan: (loan.due_date, loan.loan_id))

    def _loan(self, copy: Copy, item_id: int) -> Loan:
        if copy.due_date is None:
            raise Sip2Error("the ILS gave no due date for a loan")
        return Loan(loan_id=item_id, title=copy.title, branch=self._branch_name(copy.branch_code),
                    due_date=copy.due_date, renewals=0,
                    reserved_by_others=copy.holds_waiting > 0)

    @readable
    def renew(self, reader: ReaderRef, loan_id: int) -> RenewalResult:
        return self._renewals.run(("renew", reader.card_number, loan_id),
                                  lambda: self._renew(reader, loan_id))

    def _renew(self, reader: ReaderRef, loan_id: int) -> RenewalResult:
        barcode = self._barcode(loan_id)
        found = self._patron(reader.card_number, detail=profile.CHARGED_ITEMS)
        if barcode is None or barcode not in found.items:
            return RenewalResult(RenewalOutcome.NOT_YOUR_LOAN)  # nothing is sent
        copy = self._copy(barcode)
        if found.state(clock.today()) != "active":
            return RenewalResult(RenewalOutcome.CARD_NOT_USABLE, copy.title, copy.due_date)
        if copy.holds_waiting:
            return RenewalResult(RenewalOutcome.RESERVED, copy.title, copy.due_date)
        reply = self._change("29", "NN" + sip_datetime(clock.now()) + NO_DATE, [
            ("AA", reader.card_number), ("AB", barcode)], "30")
        title = reply.get("AJ") or copy.title
        if reply.fixed[0] == "1":
            return RenewalResult(RenewalOutcome.RENEWED, title, sip_date(reply.get("AH")))
        outcome, limit = profile.refusal(reply, profile.RENEWAL_REFUSALS,
                                         RenewalOutcome.MAX_RENEWALS)
        return RenewalResult(outcome, title, copy.due_date,
                             limit if outcome is RenewalOutcome.MAX_RENEWALS else None)

    @readable
    def renew_all(self, reader: ReaderRef) -> list[RenewalResult]:
        return self._renewals.run(("renew_all", reader.card_number),
                                  lambda: self._renew_all(reader))

    def _renew_all(self, reader: ReaderRef) -> list[RenewalResult]:
        found = self._patron(reader.card_number, detail=profile.CHARGED_ITEMS)
        copies = sorted((self._copy(barcode) for barcode in found.items),
                        key=lambda copy: (copy.due_date or date.max, copy.barcode))
        today = clock.today()
        if copies and found.state(today) != "active":
            return [RenewalResult(RenewalOutcome.CARD_NOT_USABLE, copy.title, copy.due_date)
                    for copy in copies]
        if not copies:
            return []
        reply = self._change("65", sip_datetime(clock.now()), [("AA", reader.card_number)],
                             "66")
        renewed = set(reply.all("BM"))
        results = []
        for copy in copies:
            if copy.barcode in renewed:
                due = self._copy(copy.barcode).due_date
                results.append(RenewalResult(RenewalOutcome.RENEWED, copy.title, due))
            else:
                results.append(RenewalResult(self._not_renewed(copy, today), copy.title,
                                             copy.due_date))
        return results

    @staticmethod
    def _not_renewed(copy: Copy, today: date) -> RenewalOutcome:
        """Why 65 left a loan out (66 names the loans, not the reasons)."""
        if copy.holds_waiting:
            return RenewalOutcome.RESERVED
        if copy.due_date is not None and copy.due_date < today:
            return RenewalOutcome.TOO_OVERDUE
        return RenewalOutcome.MAX_RENEWALS

    # --- the account ---------------------------------------------------------------

    @readable
    def account(self, reader: ReaderRef) -> AccountStatus:
        found = self._patron(reader.card_number, detail=profile.FINE_ITEMS)
        with self.store.session() as session:
            card_type = session.get(CardType, found.patron_class)
            name = card_type.name if card_type is not None else found.patron_class
        return AccountStatus(
            card_type=name or "读者证", card_status=found.state(clock.today()),
            expires_on=found.expires_on or date.max, loans=found.loans,
            max_loans=found.loan_limit or 0, holds=found.holds,
            max_holds=found.hold_limit or 0,
            fees=[profile.fine_item(value) for value in found.items])
