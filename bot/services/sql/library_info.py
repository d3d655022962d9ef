"""Branches, addresses and date-aware opening hours."""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_, select

from bot.db.models import Branch, SpecialDay, WeeklyHours
from bot.services.interface import WEEKLY_CLOSURE, BranchInfo, DayHours
from bot.services.search_text import normalise
from bot.services.sql.session import SqlStore


def _info(branch: Branch) -> BranchInfo:
    return BranchInfo(
        code=branch.code, name=branch.name, kind=branch.kind, address=branch.address,
        transport=branch.transport, phone=branch.phone, confirmed=branch.confirmed,
    )


class SqlLibraryInfo:
    def __init__(self, store: SqlStore) -> None:
        self.store = store

    def branches(self) -> list[BranchInfo]:
        with self.store.session() as session:
            return [_info(b) for b in session.execute(select(Branch).order_by(Branch.id)).scalars()]

    def find_branch(self, name: str) -> BranchInfo | None:
        """By code, name or alias, 繁體 and full-width tolerated."""
        wanted = normalise(name).strip()
        for branch in self.branches_with_aliases():
            if wanted in branch[1]:
                return branch[0]
        return None

    def branches_with_aliases(self) -> list[tuple[BranchInfo, set[str]]]:
        with self.store.session() as session:
            rows = session.execute(select(Branch).order_by(Branch.id)).scalars().all()
            return [
                (_info(b), {normalise(n) for n in [b.code, b.name, *b.aliases.split("、")] if n})
                for b in rows
            ]

    def hours_on(self, branch_code: str, day: date) -> DayHours:
        with self.store.session() as session:
            branch = session.execute(select(Branch).where(Branch.code == branch_code)).scalar_one()
            special = session.execute(
                select(SpecialDay)
                .where(SpecialDay.day == day)
                .where(or_(SpecialDay.branch_id == branch.id, SpecialDay.branch_id.is_(None)))
                .order_by(SpecialDay.branch_id.is_(None))  # the branch's own entry wins
            ).scalars().first()
            if special is not None:
                if special.closed:
                    return DayHours(branch.name, day, None, None, special.name)
                return DayHours(branch.name, day, special.opens, special.closes, special.name)
            regular = session.execute(
                select(WeeklyHours).where(
                    WeeklyHours.branch_id == branch.id, WeeklyHours.weekday == day.weekday()
                )
            ).scalar_one_or_none()
            if regular is None:
                return DayHours(branch.name, day, None, None, WEEKLY_CLOSURE)
            return DayHours(branch.name, day, regular.opens, regular.closes)

    def holiday_date(self, holiday: str, after: date) -> date | None:
        """The next date (from `after` on) of a named holiday, e.g. 春节."""
        with self.store.session() as session:
            return session.execute(
                select(SpecialDay.day)
                .where(SpecialDay.name.contains(normalise(holiday)), SpecialDay.day >= after)
                .order_by(SpecialDay.day)
            ).scalars().first()
