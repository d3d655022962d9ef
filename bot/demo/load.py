"""Load the library's facts and the demo data into an empty database:
``python -m bot.demo.load [URL]`` (default LIBRARY_DATABASE_URL). Does nothing if
the database already has branches, so `make run` can call it every time."""

from __future__ import annotations

import random
import sys
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from bot import clock
from bot.db.engine import session_factory
from bot.db.models import (
    BibRecord,
    Booking,
    Branch,
    CannedReply,
    CardType,
    DutyShift,
    Event,
    Fee,
    Item,
    Loan,
    Reader,
    Reservation,
    Space,
    SpaceSlot,
    SpecialDay,
    WeeklyHours,
)
from bot.services.catalogue_query import CHILDREN_SUBJECTS
from bot.services.passwords import hash_password
from bot.services.search_text import index_text
from bot.settings import PROJECT_ROOT, load_settings

LIBRARY_FACTS = PROJECT_ROOT / "knowledge" / "library"
DEMO_DATA = Path(__file__).resolve().parent / "data"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
# Share of copies in each status (the rest are on the shelf).
STATUS_WEIGHTS = {"on_shelf": 60, "on_loan": 30, "in_transit": 5, "on_hold": 3, "lost": 2}
SLOT_TIMES = [("09:00", "11:00"), ("14:00", "16:00")]


def read_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def parse_hours(span: str) -> tuple[time, time]:
    opens, closes = span.split("-")
    return time.fromisoformat(opens), time.fromisoformat(closes)


def load_branches(session: Session) -> dict[str, int]:
    ids: dict[str, int] = {}
    for entry in read_yaml(LIBRARY_FACTS / "branches.yml"):
        branch = Branch(
            code=entry["code"], name=entry["name"], kind=entry["kind"],
            address=entry["address"], transport=entry["transport"], phone=entry["phone"],
            aliases="、".join(entry.get("aliases", [])), confirmed=entry["confirmed"],
        )
        session.add(branch)
        session.flush()
        ids[branch.code] = branch.id
        for weekday, span in entry["weekly_hours"].items():
            opens, closes = parse_hours(span)
            session.add(WeeklyHours(branch_id=branch.id, weekday=WEEKDAYS.index(weekday),
                                    opens=opens, closes=closes))
    for entry in read_yaml(LIBRARY_FACTS / "special_days.yml"):
        opens, closes = parse_hours(entry["hours"]) if "hours" in entry else (None, None)
        session.add(SpecialDay(
            day=entry["day"], name=entry["name"], closed=entry.get("closed", False),
            branch_id=ids[entry["branch"]] if entry["branch"] else None,
            opens=opens, closes=closes,
        ))
    return ids


def copies_for(rng: random.Random, branch_ids: list[int], count: int,
               today: date) -> Iterator[dict[str, Any]]:
    """Item rows (without bib_id/barcode) spread over branches with realistic statuses."""
    statuses, weights = list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values())
    for _ in range(count):
        status = rng.choices(statuses, weights)[0]
        yield {
            "branch_id": rng.choice(branch_ids),
            "location": f"{rng.randint(1, 4)}楼 {rng.choice('ABCDEFGH')}区 {rng.randint(1, 40)}架",
            "status": status,
            "due_date": today + timedelta(days=rng.randint(1, 30)) if status == "on_loan" else None,
        }


def is_for_children(book: dict[str, Any]) -> bool:
    """Children's books are shelved at the 少儿馆 (and some at the main library)."""
    subjects = "".join(book.get("subjects", []))
    return any(word in subjects for word in CHILDREN_SUBJECTS)


def record_row(book: dict[str, Any], number: int) -> dict[str, Any]:
    """The bib_record values of one book (without id); `number` makes its call number."""
    subjects = "、".join(book.get("subjects", []))
    return {
        "title": book["title"], "author": book.get("author", ""),
        "publisher": book.get("publisher", ""), "year": book.get("year"),
        "isbn": book.get("isbn"), "clc": book.get("clc", ""),
        "call_number": f"{book.get('clc', '')}/{number}", "subjects": subjects,
        "summary": book.get("summary", ""),
        "search_text": index_text(book["title"], book.get("author", ""),
                                  book.get("publisher", ""), subjects, book.get("summary", "")),
    }


def item_rows(rng: random.Random, bib_id: int, branch_ids: list[int], count: int,
              today: date) -> list[dict[str, Any]]:
    """The item rows of one record: `count` copies with barcodes C<bib id><copy number>."""
    copies = list(copies_for(rng, branch_ids, count, today))
    for copy_number, copy in enumerate(copies, start=1):
        copy.update(bib_id=bib_id, barcode=f"C{bib_id:08d}{copy_number:02d}")
    return copies


def insert_titles(session: Session, books: Iterable[dict[str, Any]], branches: dict[str, int],
                  today: date, seed: int = 2021) -> tuple[int, int]:
    """Inserts records and their copies; returns (records, items)."""
    rng = random.Random(seed)
    adult = [branches[c] for c in branches if c != "JL-CHILD"]
    children = [branches["JL-CHILD"], branches["JL-MAIN"]]
    records = items = 0
    for number, book in enumerate(books, start=1):
        bib_id = session.execute(
            insert(BibRecord).values(**record_row(book, number))
        ).inserted_primary_key[0]
        copies = item_rows(rng, bib_id, children if is_for_children(book) else adult,
                           rng.randint(1, 4), today)
        session.execute(insert(Item), copies)
        records += 1
        items += len(copies)
    return records, items


def load_people_and_places(session: Session, branches: dict[str, int], today: date) -> None:
    data = read_yaml(DEMO_DATA / "people_and_places.yml")
    session.add_all(CardType(**card) for card in data["card_types"])
    session.flush()
    # The demo readers share one password: one (deliberately slow) hash for all of them.
    demo_hash = cache(hash_password)
    for reader in data["readers"]:
        session.add(Reader(
            card_number=reader["card_number"], name=reader["name"],
            card_type_code=reader["card_type"], status=reader.get("status", "active"),
            expires_on=today - timedelta(days=1) if reader.get("expired")
            else today + timedelta(days=3 * 365),
            password_hash=demo_hash(reader["password"]),
        ))
    for entry in data["spaces"]:
        space = Space(branch_id=branches[entry["branch"]], name=entry["name"],
                      description=entry["description"])
        session.add(space)
        session.flush()
        for offset in range(1, 15):
            day = today + timedelta(days=offset)
            for start, end in SLOT_TIMES:
                session.add(SpaceSlot(
                    space_id=space.id, capacity=entry["capacity"], booked=0,
                    starts_at=datetime.combine(day, time.fromisoformat(start)),
                    ends_at=datetime.combine(day, time.fromisoformat(end)),
                ))
    for entry in data["events"]:
        day = today + timedelta(days=entry["days_from_today"])
        opens, closes = parse_hours(entry["time"])
        session.add(Event(
            title=entry["title"], series=entry["series"], branch_id=branches[entry["branch"]],
            place=entry["place"], audience=entry["audience"], capacity=entry["capacity"],
            signed_up=0, starts_at=datetime.combine(day, opens),
            ends_at=datetime.combine(day, closes),
        ))


def load_loans(session: Session, today: date) -> None:
    """The demo readers' loans (each on the first copy of its title), fees and the
    waiting hold that keeps one loan from being renewed."""
    data = read_yaml(DEMO_DATA / "people_and_places.yml")
    readers = dict(session.execute(select(Reader.card_number, Reader.id)).all())
    now = datetime.combine(today, time(9, 0))
    for loan in data["loans"]:
        bib_id, item_id = session.execute(
            select(Item.bib_id, Item.id).join(BibRecord, BibRecord.id == Item.bib_id)
            .where(BibRecord.title == loan["title"]).order_by(Item.id).limit(1)).one()
        due = today + timedelta(days=loan["due_in_days"])
        session.execute(update(Item).where(Item.id == item_id)
                        .values(status="on_loan", due_date=due))
        session.add(Loan(reader_id=readers[loan["card_number"]], item_id=item_id,
                         loaned_on=due - timedelta(days=30), due_date=due,
                         renewals=loan.get("renewals", 0)))
        if "reserved_by" in loan:
            session.execute(update(Item).where(Item.bib_id == bib_id,
                                               Item.status == "on_shelf")
                            .values(status="on_loan", due_date=due))
            session.add(Reservation(reader_id=readers[loan["reserved_by"]], bib_id=bib_id,
                                    pickup_branch_id=session.execute(select(Item.branch_id)
                                    .where(Item.id == item_id)).scalar_one(),
                                    status="waiting", created_at=now))
    for fee in data["fees"]:
        session.add(Fee(reader_id=readers[fee["card_number"]], amount_cents=fee["amount_cents"],
                        reason=fee["reason"], title=fee["title"],
                        created_on=today - timedelta(days=fee["days_ago"])))


def load_reservations(session: Session, today: date) -> None:
    """The demo readers' own waiting holds and room bookings (people_and_places.yml)."""
    data = read_yaml(DEMO_DATA / "people_and_places.yml")
    readers = dict(session.execute(select(Reader.card_number, Reader.id)).all())
    branches = dict(session.execute(select(Branch.code, Branch.id)).all())
    now = datetime.combine(today, time(9, 0))
    for hold in data["holds"]:
        bib_id = session.execute(
            select(BibRecord.id).where(BibRecord.title == hold["title"])).scalar_one()
        session.add(Reservation(reader_id=readers[hold["card_number"]], bib_id=bib_id,
                                pickup_branch_id=branches[hold["pickup"]], status="waiting",
                                created_at=now - timedelta(days=3)))
    for booking in data["bookings"]:
        day = datetime.combine(today + timedelta(days=booking["days_from_today"]), time.min)
        slot = session.execute(
            select(SpaceSlot).join(Space, Space.id == SpaceSlot.space_id)
            .where(Space.name == booking["space"], SpaceSlot.starts_at >= day)
            .order_by(SpaceSlot.starts_at).limit(1)).scalar_one()
        slot.booked += 1
        session.add(Booking(reader_id=readers[booking["card_number"]], slot_id=slot.id,
                            status="active", created_at=now))


def load_desk(database_url: str) -> bool:
    """The online desk's duty schedule and canned replies, into a database without them."""
    with session_factory(database_url).begin() as session:
        if session.execute(select(func.count()).select_from(DutyShift)).scalar_one():
            return False
        desk = read_yaml(LIBRARY_FACTS / "desk.yml")
        for shift in desk["duty"]:
            starts, ends = parse_hours(shift["hours"])
            session.add_all(DutyShift(weekday=WEEKDAYS.index(day), starts=starts, ends=ends,
                                      department=shift["department"]) for day in shift["days"])
        session.add_all(CannedReply(**reply) for reply in desk["canned_replies"])
    return True


def load_demo(database_url: str, today: date | None = None) -> bool:
    """Fills an empty database; returns False if it already had data."""
    today = today or clock.today()
    with session_factory(database_url).begin() as session:
        if session.execute(select(func.count()).select_from(Branch)).scalar_one():
            return False
        branches = load_branches(session)
        load_people_and_places(session, branches, today)
        books = read_yaml(DEMO_DATA / "books.yml")
        records, items = insert_titles(session, books, branches, today)
        load_loans(session, today)
        load_reservations(session, today)
    print(f"Loaded demo data: {records} titles, {items} copies.", file=sys.stderr)
    return True


if __name__ == "__main__":
    load_demo(sys.argv[1] if len(sys.argv) > 1 else load_settings().database_url)
