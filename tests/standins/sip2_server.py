"""A local stand-in of a library system's SIP2 server (the ACS side), for the tests.

It listens on 127.0.0.1 (a free port, one thread per connection), speaks the wire format
(CR-terminated frames, AY sequence numbers echoed, AZ checksums; a frame with a bad
checksum is answered with 96, a 97 with the last answer again), requires the SIP login
(93) first, and keeps its own state: patrons with passwords and card types, copies,
loans with due dates, holds and fees. Its rules are those of the SQL implementation
(bot/services/sql/circulation.py, loans.py): renewal limits, a title another reader
waits for, overdue loans, blocked and expired cards, hold limits and duplicates. It
fills the free-form fields the way bot/services/sip2/profile.py reads them.

`from_database` seeds it from a demo library database (bot/demo/load.py: the same
readers, copies, loans, holds and fees), so conversations go alike on both backends.
Tests can make it misbehave: `down()`, `slow()`, `garbage(n)`, `wrong_checksum(n)`;
`requests` lists the commands it received.
"""

from __future__ import annotations

import dataclasses
import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import yaml
from sqlalchemy import select

from bot import clock
from bot.db.engine import session_factory
from bot.db.models import BibRecord, Branch, CardType, Fee, Item, Loan, Reader, Reservation
from bot.demo.load import DEMO_DATA
from bot.services.sip2.codec import FrameError, Message, decode, encode, sip_datetime
from bot.settings import Settings

USER, PASSWORD, INSTITUTION = "assistant", "sip-secret", "JLTSG"
ENCODING = "utf-8"
PICKUP_DAYS = 7
SLOW_LIMIT = 30.0  # a slow answer is released by the test, or given up after this


@dataclass
class Rules:
    name: str
    max_holds: int
    max_loans: int
    max_renewals: int
    renewal_days: int
    max_overdue_days_to_renew: int
    fine_cents_per_day: int


@dataclass
class Patron:
    card: str
    name: str
    password: str
    rules: str  # card type code
    blocked: bool = False
    expires_on: date = date.max


@dataclass
class Copy:
    barcode: str
    bib_id: int
    title: str
    location: str  # branch code
    status: str  # on_shelf | on_loan | on_hold | in_transit | lost
    due_date: date | None = None


@dataclass
class LoanRow:
    card: str
    barcode: str
    due_date: date
    renewals: int = 0


@dataclass
class HoldRow:
    card: str
    bib_id: int
    pickup: str
    placed_at: datetime
    named: str  # the barcode the hold was placed with
    held: str | None = None  # the copy waiting on the hold shelf (ready)
    deadline: date | None = None


@dataclass
class FeeRow:
    card: str
    cents: int
    reason: str
    title: str
    since: date


@dataclass
class _Connection:
    logged_in: bool = False
    last: bytes = b""
    command: str = ""  # of the request being answered


@dataclass
class Library:
    rules: dict[str, Rules] = field(default_factory=dict)
    patrons: dict[str, Patron] = field(default_factory=dict)
    copies: dict[str, Copy] = field(default_factory=dict)
    loans: list[LoanRow] = field(default_factory=list)
    holds: list[HoldRow] = field(default_factory=list)
    fees: list[FeeRow] = field(default_factory=list)


CIRCULATION_STATUS = {"on_shelf": "03", "on_loan": "04", "on_hold": "08",
                      "in_transit": "10", "lost": "12"}


def _yes(flag: bool) -> str:
    return "Y" if flag else "N"


def _count(number: int) -> str:
    return f"{min(number, 9999):04d}"


class Sip2StandIn:
    def __init__(self, library: Library) -> None:
        self.library = library
        self.lock = threading.RLock()
        self.requests: list[str] = []
        self._garbage = self._bad_checksums = 0
        self._down = False
        self._slow_command = ""
        self._release = threading.Event()
        self._release.set()
        self._sockets: set[socket.socket] = set()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --- seeding -------------------------------------------------------------------

    @classmethod
    def from_database(cls, database_url: str) -> Sip2StandIn:
        """The demo library's readers, copies, loans, holds and fees (passwords from
        bot/demo/data/people_and_places.yml)."""
        people = yaml.safe_load((DEMO_DATA / "people_and_places.yml").read_text("utf-8"))
        passwords = {r["card_number"]: r["password"] for r in people["readers"]}
        library = Library()
        with session_factory(database_url).begin() as session:
            for t in session.execute(select(CardType)).scalars():
                library.rules[t.code] = Rules(
                    t.name, t.max_active_holds, t.max_loans, t.max_renewals, t.renewal_days,
                    t.max_overdue_days_to_renew, t.fine_cents_per_day)
            for r in session.execute(select(Reader)).scalars():
                if r.card_number in passwords:
                    library.patrons[r.card_number] = Patron(
                        r.card_number, r.name, passwords[r.card_number], r.card_type_code,
                        r.status != "active", r.expires_on)
            for barcode, bib_id, title, code, status, due in session.execute(
                    select(Item.barcode, Item.bib_id, BibRecord.title, Branch.code,
                           Item.status, Item.due_date)
                    .join(BibRecord, BibRecord.id == Item.bib_id)
                    .join(Branch, Branch.id == Item.branch_id)):
                library.copies[barcode] = Copy(barcode, bib_id, title, code, status, due)
            for card, barcode, due, renewals in session.execute(
                    select(Reader.card_number, Item.barcode, Loan.due_date, Loan.renewals)
                    .join(Reader, Reader.id == Loan.reader_id)
                    .join(Item, Item.id == Loan.item_id).where(Loan.returned_at.is_(None))):
                library.loans.append(LoanRow(card, barcode, due, renewals))
            for hold, card, pickup in session.execute(
                    select(Reservation, Reader.card_number, Branch.code)
                    .join(Reader, Reader.id == Reservation.reader_id)
                    .join(Branch, Branch.id == Reservation.pickup_branch_id)
                    .where(Reservation.status.in_(("waiting", "ready")))
                    .order_by(Reservation.created_at, Reservation.id)):
                held = session.get(Item, hold.item_id).barcode if hold.item_id else None
                named = held or min(c.barcode for c in library.copies.values()
                                    if c.bib_id == hold.bib_id)
                library.holds.append(HoldRow(card, hold.bib_id, pickup, hold.created_at, named,
                                             held, hold.pickup_deadline))
            for fee, card in session.execute(
                    select(Fee, Reader.card_number).join(Reader, Reader.id == Fee.reader_id)
                    .where(Fee.paid_on.is_(None))):
                library.fees.append(FeeRow(card, fee.amount_cents, fee.reason, fee.title,
                                           fee.created_on))
        return cls(library)

    # --- running, and misbehaving on request -------------------------------------------

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.server.server_address[1]

    def configure(self, settings: Settings, timeout: float = 5.0) -> Settings:
        """settings with LIBRARY_BACKEND=sip2 pointing at this stand-in."""
        return dataclasses.replace(
            settings, library_backend="sip2", sip2_host=self.host, sip2_port=self.port,
            sip2_user=USER, sip2_password=PASSWORD, sip2_institution=INSTITUTION,
            sip2_encoding=ENCODING, sip2_timeout_seconds=timeout)

    def __enter__(self) -> Sip2StandIn:
        self.thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._release.set()
        self.server.shutdown()
        self.server.server_close()
        self._close_connections()

    def garbage(self, answers: int = 1) -> None:
        """The next `answers` answers are not SIP2 at all."""
        with self.lock:
            self._garbage = answers

    def wrong_checksum(self, answers: int = 1) -> None:
        """The next `answers` answers carry a wrong checksum."""
        with self.lock:
            self._bad_checksums = answers

    @contextmanager
    def slow(self, command: str = "") -> Iterator[None]:
        """No answer (to `command` only, if given) leaves until the block ends; then
        the held ones do."""
        self._slow_command = command
        self._release.clear()
        try:
            yield
        finally:
            self._release.set()

    @contextmanager
    def down(self) -> Iterator[None]:
        """Every connection is closed, new ones as soon as they are accepted."""
        self._down = True
        self._close_connections()
        try:
            yield
        finally:
            self._down = False

    def count(self, command: str) -> int:
        with self.lock:
            return self.requests.count(command)

    def _close_connections(self) -> None:
        with self.lock:
            for sock in self._sockets:
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    # --- the wire ------------------------------------------------------------------------

    def _handler_class(self) -> type[socketserver.BaseRequestHandler]:
        standin = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                standin._serve(self.request)

        return Handler

    def _serve(self, sock: socket.socket) -> None:
        with self.lock:
            self._sockets.add(sock)
        connection, buffer = _Connection(), b""
        try:
            while not self._down:
                chunk = sock.recv(4096)
                if not chunk or self._down:
                    return
                buffer += chunk
                while b"\r" in buffer:
                    frame, _, buffer = buffer.partition(b"\r")
                    answer = self._answer(frame, connection)
                    if answer is None:
                        return
                    if self._slow_command in ("", connection.command):
                        self._release.wait(SLOW_LIMIT)
                    sock.sendall(answer)
        except OSError:
            return
        finally:
            with self.lock:
                self._sockets.discard(sock)
            sock.close()

    def _answer(self, frame: bytes, connection: _Connection) -> bytes | None:
        """The bytes to send back (None: hang up)."""
        try:
            request, sequence = decode(frame, ENCODING)
        except FrameError:
            return encode(Message("96"), None, ENCODING)
        with self.lock:
            self.requests.append(request.command)
            connection.command = request.command
            if request.command == "97":
                return self._spoil(connection.last)
            if request.command == "93":
                connection.logged_in = (request.get("CN"), request.get("CO")) == (USER, PASSWORD)
                reply = Message("94", "1" if connection.logged_in else "0")
            elif not connection.logged_in:
                return None
            else:
                reply = self._handle(request)
            connection.last = encode(reply, sequence, ENCODING)
            return self._spoil(connection.last)

    def _spoil(self, frame: bytes) -> bytes:
        if self._garbage:
            self._garbage -= 1
            return b"\x16\x03garbage \xff\xfe not SIP2\r"
        if self._bad_checksums:
            self._bad_checksums -= 1
            wrong = "0000" if frame[-5:-1] != b"0000" else "FFFF"
            return frame[:-5] + wrong.encode() + b"\r"
        return frame

    # --- the library's rules ------------------------------------------------------------

    def _handle(self, request: Message) -> Message:
        handlers = {"63": self._patron_information, "17": self._item_information,
                    "15": self._hold, "29": self._renew, "65": self._renew_all}
        return handlers[request.command](request)

    def _today(self) -> date:
        return clock.today()

    def _state(self, patron: Patron) -> str:
        if patron.blocked:
            return "blocked"
        return "expired" if patron.expires_on < self._today() else "active"

    def _loans_of(self, card: str) -> list[LoanRow]:
        return sorted((loan for loan in self.library.loans if loan.card == card),
                      key=lambda loan: (loan.due_date, loan.barcode))

    def _holds_of(self, card: str) -> list[HoldRow]:
        return [hold for hold in self.library.holds if hold.card == card]

    def _queue(self, bib_id: int) -> list[HoldRow]:
        return [hold for hold in self.library.holds if hold.bib_id == bib_id and not hold.held]

    def _fees_of(self, patron: Patron) -> list[str]:
        rules = self.library.rules[patron.rules]
        fees = [f"{fee.cents / 100:.2f} {fee.since:%Y%m%d} fee {fee.reason} {fee.title}"
                for fee in self.library.fees if fee.card == patron.card]
        for loan in self._loans_of(patron.card):
            overdue = (self._today() - loan.due_date).days
            if overdue > 0:
                title = self.library.copies[loan.barcode].title
                fees.append(f"{overdue * rules.fine_cents_per_day / 100:.2f} "
                            f"{loan.due_date:%Y%m%d} accruing 逾期 {title}")
        return fees

    def _patron_information(self, request: Message) -> Message:
        patron = self.library.patrons.get(request.get("AA"))
        now = sip_datetime(clock.now())
        if patron is None:
            return Message("64", " " * 14 + "000" + now + "0000" * 6, (
                ("AO", INSTITUTION), ("AA", request.get("AA")), ("AE", ""), ("BL", "N")))
        rules = self.library.rules[patron.rules]
        loans, holds = self._loans_of(patron.card), self._holds_of(patron.card)
        ready = [self._hold_entry(hold) for hold in holds if hold.held]
        waiting = [self._hold_entry(hold) for hold in holds if not hold.held]
        overdue = [loan for loan in loans if loan.due_date < self._today()]
        fees = self._fees_of(patron)
        status = ("YYYY" if patron.blocked else "    ") + " " * 10
        summary = request.fixed[21:31]
        details = {0: ("AS", ready), 1: ("AT", [loan.barcode for loan in overdue]),
                   2: ("AU", [loan.barcode for loan in loans]), 3: ("AV", fees),
                   5: ("CD", waiting)}
        fields = [("AO", INSTITUTION), ("AA", patron.card), ("AE", patron.name),
                  ("BZ", _count(rules.max_holds)), ("CB", _count(rules.max_loans)),
                  ("BL", "Y")]
        if request.get("AD"):
            fields.append(("CQ", _yes(request.get("AD") == patron.password)))
        owed = sum(round(float(fee.split()[0]) * 100) for fee in fees)
        fields += [("BH", "CNY"), ("BV", f"{owed / 100:.2f}"),
                   ("PA", f"{patron.expires_on:%Y%m%d}"), ("PC", patron.rules)]
        for position, (field_id, values) in details.items():
            if summary[position:position + 1] == "Y":
                fields += [(field_id, value) for value in values]
        counts = (len(ready), len(overdue), len(loans), len(fees), 0, len(waiting))
        return Message("64", status + "000" + now + "".join(_count(n) for n in counts),
                       tuple(fields))

    def _hold_entry(self, hold: HoldRow) -> str:
        placed = f"{hold.placed_at:%Y%m%d%H%M%S}"
        if hold.held:
            return f"{hold.held} {hold.pickup} 0 {placed} {hold.deadline:%Y%m%d}"
        position = self._queue(hold.bib_id).index(hold) + 1
        return f"{hold.named} {hold.pickup} {position} {placed} -"

    def _item_information(self, request: Message) -> Message:
        copy = self.library.copies.get(request.get("AB"))
        now = sip_datetime(clock.now())
        if copy is None:
            return Message("18", "01" + "00" + "01" + now, (
                ("AB", request.get("AB")), ("AJ", "")))
        fields = [("CF", str(len(self._queue(copy.bib_id))))]
        if copy.due_date is not None and copy.status == "on_loan":
            fields.append(("AH", sip_datetime(datetime.combine(copy.due_date,
                                                               datetime.max.time()))))
        fields += [("AB", copy.barcode), ("AJ", copy.title), ("AQ", copy.location),
                   ("AP", copy.location)]
        return Message("18", CIRCULATION_STATUS[copy.status] + "00" + "01" + now,
                       tuple(fields))

    def _hold(self, request: Message) -> Message:
        patron = self.library.patrons.get(request.get("AA"))
        copy = self.library.copies.get(request.get("AB"))

        def answer(ok: bool, available: bool = False, *fields: tuple[str, str],
                   why: str = "") -> Message:
            more = (("AF", why),) if why else ()
            return Message("16", ("1" if ok else "0") + _yes(available)
                           + sip_datetime(clock.now()),
                           (("AO", INSTITUTION), ("AA", request.get("AA")), *fields, *more))

        if patron is None or copy is None:
            return answer(False, why="无可预约的馆藏")
        mine = next((h for h in self._holds_of(patron.card) if h.bib_id == copy.bib_id), None)
        if request.fixed[0] == "-":
            if mine is None:
                return answer(False, why="没有这条预约")
            self.library.holds.remove(mine)
            if mine.held:
                self.library.copies[mine.held].status = "on_shelf"
            return answer(True)
        rules = self.library.rules[patron.rules]
        copies = [c for c in self.library.copies.values() if c.bib_id == copy.bib_id]
        if self._state(patron) != "active":
            return answer(False, why="读者证已停用或过期")
        if all(c.status == "lost" for c in copies):
            return answer(False, why="无可预约的馆藏")
        if len(self._holds_of(patron.card)) >= rules.max_holds:
            return answer(False, why=f"预约数量已达上限（最多 {rules.max_holds} 本）")
        if mine is not None:
            return answer(False, why="您已预约过这本书")
        pickup = request.get("BS") or copy.location
        shelf = sorted((c for c in copies if c.status == "on_shelf"),
                       key=lambda c: (c.location != pickup, c.barcode))
        now = clock.now()
        hold = HoldRow(patron.card, copy.bib_id, pickup, now, copy.barcode)
        self.library.holds.append(hold)
        fields = [("BS", pickup), ("AB", copy.barcode), ("AJ", copy.title)]
        if shelf:
            shelf[0].status = "on_hold"
            hold.held, hold.deadline = shelf[0].barcode, now.date() + timedelta(PICKUP_DAYS)
            fields.insert(0, ("BW", sip_datetime(datetime.combine(hold.deadline,
                                                                  datetime.max.time()))))
            return answer(True, True, *fields)
        position = self._queue(copy.bib_id).index(hold) + 1
        return answer(True, False, ("BR", str(position)), *fields)

    def _refusal(self, patron: Patron, loan: LoanRow) -> str | None:
        """Why a renewal is refused (the rules of bot/services/sql/loans.py), or None."""
        rules = self.library.rules[patron.rules]
        copy = self.library.copies[loan.barcode]
        if self._state(patron) != "active":
            return "读者证已停用或过期，不能续借"
        if loan.renewals >= rules.max_renewals:
            return f"已达到续借次数上限（每本最多续借 {rules.max_renewals} 次）"
        if (self._today() - loan.due_date).days > rules.max_overdue_days_to_renew:
            return "图书已逾期，不能续借"
        if any(hold.card != patron.card for hold in self._queue(copy.bib_id)):
            return "已有其他读者预约，不能续借"
        return None

    def _do_renew(self, patron: Patron, loan: LoanRow) -> None:
        rules = self.library.rules[patron.rules]
        loan.due_date = max(loan.due_date, self._today() + timedelta(rules.renewal_days))
        loan.renewals += 1
        self.library.copies[loan.barcode].due_date = loan.due_date

    def _renew(self, request: Message) -> Message:
        patron = self.library.patrons.get(request.get("AA"))
        barcode = request.get("AB")
        copy = self.library.copies.get(barcode)
        loan = next((loan for loan in self.library.loans
                     if loan.barcode == barcode and patron and loan.card == patron.card), None)
        why = "该书未借在您的读者证上" if patron is None or loan is None else \
            self._refusal(patron, loan)
        if why is None:
            self._do_renew(patron, loan)
        due = sip_datetime(datetime.combine(loan.due_date, datetime.max.time())) if loan else ""
        fields = [("AO", INSTITUTION), ("AA", request.get("AA")), ("AB", barcode),
                  ("AJ", copy.title if copy else ""), ("AH", due)]
        if why:
            fields.append(("AF", why))
        ok = "1" if why is None else "0"
        return Message("30", ok + _yes(why is None) + "U" + "U" + sip_datetime(clock.now()),
                       tuple(fields))

    def _renew_all(self, request: Message) -> Message:
        patron = self.library.patrons.get(request.get("AA"))
        renewed, unrenewed = [], []
        for loan in self._loans_of(patron.card) if patron else []:
            if self._refusal(patron, loan) is None:
                self._do_renew(patron, loan)
                renewed.append(loan.barcode)
            else:
                unrenewed.append(loan.barcode)
        fields = ([("AO", INSTITUTION)] + [("BM", b) for b in renewed]
                  + [("BN", b) for b in unrenewed])
        return Message("66", ("1" if patron else "0") + _count(len(renewed))
                       + _count(len(unrenewed)) + sip_datetime(clock.now()), tuple(fields))



@contextmanager
def sip2_standin(database_url: str) -> Iterator[Sip2StandIn]:
    """A running stand-in seeded from a demo library database (a pytest fixture's body):
    `with sip2_standin(url) as ils: settings = ils.configure(settings)`."""
    with Sip2StandIn.from_database(database_url) as standin:
        yield standin
