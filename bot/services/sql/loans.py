"""Loans, renewals and what a reader owes.

A renewal is settled by the database like a hold: the loan row is updated only if it
still has the renewal count that was checked (`... WHERE renewals = :seen`), so two
renewals of one loan at once (say from WeChat and the widget) extend it once. A loan
already due a full renewal period from today was just renewed: asking again (a double
tap, 全部续借 after 续借) gets the same answer and uses up no renewal.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.db.models import (
    ACTIVE_HOLD_STATUSES,
    BibRecord,
    Branch,
    Fee,
    Item,
    Loan,
    Reader,
    Reservation,
)
from bot.services.interface import (
    AccountStatus,
    ReaderRef,
    RenewalOutcome,
    RenewalResult,
    card_status,
)
from bot.services.interface import (
    Fee as FeeInfo,
)
from bot.services.interface import (
    Loan as LoanInfo,
)
from bot.services.sql.session import SqlStore


def card_state(reader: Reader, today: date) -> str:
    return card_status(reader.status != "active", reader.expires_on, today)


class SqlLoans:
    store: SqlStore

    def loans(self, reader: ReaderRef) -> list[LoanInfo]:
        """The reader's open loans, the earliest due (so the overdue ones) first."""
        with self.store.session() as session:
            rows = session.execute(
                self._open_loans().where(Loan.reader_id == reader.reader_id)
                .order_by(Loan.due_date, Loan.id)
            ).all()
            return [self._loan_info(session, reader.reader_id, *row) for row in rows]

    @staticmethod
    def _open_loans():  # type: ignore[no-untyped-def]
        return (select(Loan, BibRecord.id, BibRecord.title, Branch.name)
                .join(Item, Item.id == Loan.item_id)
                .join(BibRecord, BibRecord.id == Item.bib_id)
                .join(Branch, Branch.id == Item.branch_id)
                .where(Loan.returned_at.is_(None)))

    @staticmethod
    def _reserved_by_others(session: Session, reader_id: int, bib_id: int) -> bool:
        return session.execute(select(Reservation.id).where(
            Reservation.bib_id == bib_id, Reservation.status == "waiting",
            Reservation.reader_id != reader_id).limit(1)).first() is not None

    def _loan_info(self, session: Session, reader_id: int, loan: Loan, bib_id: int,
                  title: str, branch: str) -> LoanInfo:
        return LoanInfo(loan_id=loan.id, title=title, branch=branch, due_date=loan.due_date,
                        renewals=loan.renewals,
                        reserved_by_others=self._reserved_by_others(session, reader_id, bib_id))

    def renew(self, reader: ReaderRef, loan_id: int) -> RenewalResult:
        for _ in range(3):  # a concurrent renewal changed the row: check again
            result = self._try_renew(reader, loan_id)
            if result is not None:
                return result
        return RenewalResult(RenewalOutcome.MAX_RENEWALS)

    def _try_renew(self, reader: ReaderRef, loan_id: int) -> RenewalResult | None:
        today = clock.today()
        with self.store.session() as session:
            row = session.execute(self._open_loans().where(
                Loan.id == loan_id, Loan.reader_id == reader.reader_id)).first()
            if row is None:
                return RenewalResult(RenewalOutcome.NOT_YOUR_LOAN)
            loan, bib_id, title, _ = row
            refused = self._refusal(session, reader.reader_id, loan, bib_id, today)
            if refused is not None:
                outcome, limit = refused
                return RenewalResult(outcome, title, loan.due_date, limit)
            rules = session.get(Reader, reader.reader_id).card_type
            new_due = today + timedelta(days=rules.renewal_days)
            if loan.due_date >= new_due:  # renewed already (a double tap, 全部续借 after)
                return RenewalResult(RenewalOutcome.RENEWED, title, loan.due_date)
            changed = session.execute(
                update(Loan).where(Loan.id == loan.id, Loan.renewals == loan.renewals,
                                   Loan.returned_at.is_(None))
                .values(renewals=loan.renewals + 1, due_date=new_due)
                .execution_options(synchronize_session=False)).rowcount
            if changed != 1:
                return None
            session.execute(update(Item).where(Item.id == loan.item_id)
                            .values(due_date=new_due)
                            .execution_options(synchronize_session=False))
            return RenewalResult(RenewalOutcome.RENEWED, title, new_due)

    def _refusal(self, session: Session, reader_id: int, loan: Loan, bib_id: int,
                 today: date) -> tuple[RenewalOutcome, int | None] | None:
        """Why the library's rules refuse this renewal (None: they allow it)."""
        record = session.get(Reader, reader_id)
        rules = record.card_type
        if card_state(record, today) != "active":
            return RenewalOutcome.CARD_NOT_USABLE, None
        if loan.due_date >= today + timedelta(days=rules.renewal_days):
            return None  # already renewed: the same answer again, nothing used up
        if loan.renewals >= rules.max_renewals:
            return RenewalOutcome.MAX_RENEWALS, rules.max_renewals
        if (today - loan.due_date).days > rules.max_overdue_days_to_renew:
            return RenewalOutcome.TOO_OVERDUE, rules.max_overdue_days_to_renew
        if self._reserved_by_others(session, reader_id, bib_id):
            return RenewalOutcome.RESERVED, None
        return None

    def renew_all(self, reader: ReaderRef) -> list[RenewalResult]:
        return [self.renew(reader, loan.loan_id) for loan in self.loans(reader)]

    def account(self, reader: ReaderRef) -> AccountStatus:
        today = clock.today()
        with self.store.session() as session:
            record = session.get(Reader, reader.reader_id)
            rules = record.card_type
            fees = [FeeInfo(fee.amount_cents, fee.reason, fee.title, fee.created_on)
                    for fee in session.execute(select(Fee).where(
                        Fee.reader_id == reader.reader_id, Fee.paid_on.is_(None))
                        .order_by(Fee.created_on, Fee.id)).scalars()]
            loans = session.execute(self._open_loans().where(
                Loan.reader_id == reader.reader_id).order_by(Loan.due_date)).all()
            for loan, _, title, _ in loans:
                overdue = (today - loan.due_date).days
                if overdue > 0:
                    fees.append(FeeInfo(overdue * rules.fine_cents_per_day, "逾期", title,
                                        loan.due_date, accruing=True))
            holds = session.execute(select(func.count()).select_from(Reservation).where(
                Reservation.reader_id == reader.reader_id,
                Reservation.status.in_(ACTIVE_HOLD_STATUSES))).scalar_one()
            return AccountStatus(
                card_type=rules.name, card_status=card_state(record, today),
                expires_on=record.expires_on, loans=len(loans), max_loans=rules.max_loans,
                holds=holds, max_holds=rules.max_active_holds, fees=fees)
