"""Staff-account security: Argon2id hashes (old PBKDF2 ones still verify and are replaced
at sign-in), a lockout per account (in the database) and a back-off per client address,
refusals that do not tell which usernames exist, hashing off the console's event loop,
the Secure cookie behind HTTPS, odd paths, demo accounts only in demo mode and
`python -m bot.staff_accounts`.

Requests to the console come from their own loopback addresses (127.1.x.y), so the
per-address back-off of one test does not reach another."""

from __future__ import annotations

import hashlib
import http.client
import io
import itertools
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update

from bot import clock, staff_accounts
from bot.admin.auth import LOGIN_COOKIE, LOGIN_REFUSED, SESSION_COOKIE
from bot.admin.throttle import FREE_FAILURES, WINDOW, AddressThrottle
from bot.db.engine import session_factory
from bot.db.migrate import upgrade
from bot.db.models import StaffUser
from bot.knowledge_cli import setup
from bot.services.passwords import check_password, hash_password, needs_rehash
from bot.services.sql.session import SqlStore
from bot.services.sql.staff import LOCKOUT, SqlStaff
from bot.settings import PROJECT_ROOT, load_settings
from tests.test_admin_console import running_console

CSRF = "login-form-token"
_addresses = (f"127.1.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def fresh_address() -> str:
    return next(_addresses)


@dataclass
class Answer:
    status: int
    body: str
    headers: http.client.HTTPMessage
    seconds: float


def call(url: str, path: str, form: dict[str, str] | None = None, cookie: str = "",
         source: str = "127.0.0.1") -> Answer:
    """One request (POST when form is given) from the loopback address source."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60,
                                            source_address=(source, 0))
    headers = {"Cookie": cookie} if cookie else {}
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    try:
        connection.request("GET" if form is None else "POST", path, headers=headers,
                           body=None if form is None else urlencode(form))
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
    finally:
        connection.close()
    return Answer(response.status, body, response.headers, time.perf_counter() - started)


def sign_in(url: str, username: str, password: str, source: str = "") -> Answer:
    return call(url, "/login", {"csrf_token": CSRF, "username": username, "password": password},
                cookie=f"{LOGIN_COOKIE}={CSRF}", source=source or fresh_address())


def session_cookie(answer: Answer) -> SimpleCookie:
    cookies = SimpleCookie()
    for header in answer.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    assert SESSION_COOKIE in cookies, answer.headers
    return cookies


def legacy_hash(password: str) -> str:
    """A hash as bot.services.passwords made them before Argon2 (PBKDF2-SHA256)."""
    salt = "0123456789abcdef"
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt.encode(), 1000)
    return f"pbkdf2_sha256$1000${salt}${digest.hex()}"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('staff') / 'library.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="module")
def staff(database: str) -> SqlStaff:
    return SqlStaff(SqlStore(database))


@pytest.fixture(scope="module")
def console_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("console") / "console.log"


@pytest.fixture(scope="module")
def console(database: str, console_log: Path) -> Iterator[str]:
    with running_console(database, console_log) as url:
        yield url


def stored_hash(database: str, username: str) -> str:
    with session_factory(database).begin() as session:
        user = session.query(StaffUser).filter_by(username=username).one()
        return user.password_hash


# Hashes ------------------------------------------------------------------------------

def test_passwords_are_argon2id_and_old_hashes_still_verify() -> None:
    stored = hash_password("correct horse battery")
    assert stored.startswith("$argon2id$")
    assert check_password("correct horse battery", stored)
    assert not check_password("correct horse battery!", stored)
    assert not needs_rehash(stored)
    old = legacy_hash("correct horse battery")
    assert check_password("correct horse battery", old)
    assert not check_password("wrong horse battery", old)
    assert needs_rehash(old)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("abc")
    assert check_password("abc", weak) and needs_rehash(weak)
    assert not check_password("abc", "not a hash")


def test_sign_in_replaces_old_and_weak_hashes(staff: SqlStaff, database: str) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    for username, old in (("legacy", legacy_hash), ("weak", weak.hash)):
        staff.create_user(username, "老账号", "editor", "placeholder-password")
        with session_factory(database).begin() as session:
            session.execute(update(StaffUser).where(StaffUser.username == username)
                            .values(password_hash=old("old-password-1")))
        before = stored_hash(database, username)
        assert staff.authenticate(username, "wrong-password") is None
        assert stored_hash(database, username) == before
        assert staff.authenticate(username, "old-password-1") is not None
        assert not needs_rehash(stored_hash(database, username))
        assert staff.authenticate(username, "old-password-1") is not None


# Lockout per account -----------------------------------------------------------------

def test_five_wrong_passwords_lock_the_account_for_15_minutes(
    staff: SqlStaff, monkeypatch: pytest.MonkeyPatch
) -> None:
    staff.create_user("careless", "粗心的馆员", "editor", "careless-password")
    for _ in range(4):
        assert staff.authenticate("careless", "wrong-password") is None
    assert staff.authenticate("careless", "careless-password") is not None  # resets
    for _ in range(5):
        assert staff.authenticate("careless", "wrong-password") is None
    assert staff.authenticate("careless", "careless-password") is None
    [account] = [a for a in staff.accounts() if a.username == "careless"]
    assert abs(account.locked_until - (clock.now() + LOCKOUT)) < timedelta(seconds=30)
    later = clock.now() + LOCKOUT + timedelta(minutes=1)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert staff.authenticate("careless", "careless-password") is not None


def test_password_flood_locks_the_account_in_every_process(
    console: str, console_log: Path, staff: SqlStaff
) -> None:
    """30 guesses from one address: the account locks after 5 (also for the right
    password, in this process too), the address is shut out after FREE_FAILURES. The
    log says why, without the passwords."""
    staff.create_user("target", "被猜密码的馆员", "editor", "target-password")
    source = fresh_address()
    answers = [sign_in(console, "target", f"guess-{n}", source) for n in range(30)]
    assert all(LOGIN_REFUSED in answer.body for answer in answers)
    statuses = [answer.status for answer in answers]
    assert statuses[:FREE_FAILURES + 1] == [401] * (FREE_FAILURES + 1)
    assert statuses.count(429) >= 15, statuses
    right = sign_in(console, "target", "target-password")
    assert right.status == 401 and LOGIN_REFUSED in right.body
    assert staff.authenticate("target", "target-password") is None
    [account] = [a for a in staff.accounts() if a.username == "target"]
    assert account.locked_until and account.locked_until > clock.now() + timedelta(minutes=14)
    log = console_log.read_text()
    assert "refused for 'target': wrong password (5 in a row); locked" in log
    assert "refused for 'target': account locked until" in log
    assert "too many failures" in log
    assert "guess-" not in log and "target-password" not in log


def test_unknown_and_known_usernames_are_refused_alike(console: str, staff: SqlStaff) -> None:
    staff.create_user("known", "存在的馆员", "editor", "known-password")
    staff.create_user("gone", "停用的馆员", "editor", "gone-password")
    staff.set_active("gone", False)
    known, unknown = [], []
    for n in range(4):
        known.append(sign_in(console, "known", f"wrong-guess-{n}"))
        unknown.append(sign_in(console, f"nobody-{n}", f"wrong-guess-{n}"))
    disabled = sign_in(console, "gone", "gone-password")
    for answer in [*known, *unknown, disabled]:
        assert answer.status == 401 and LOGIN_REFUSED in answer.body
    known_seconds = statistics.median(answer.seconds for answer in known)
    unknown_seconds = statistics.median(answer.seconds for answer in unknown)
    ratio = max(known_seconds, unknown_seconds) / min(known_seconds, unknown_seconds)
    assert ratio < 2, (f"{known_seconds * 1000:.0f} ms for a known user, "
                       f"{unknown_seconds * 1000:.0f} ms for an unknown one")


# Back-off per address ----------------------------------------------------------------

def test_an_address_that_keeps_failing_is_shut_out(console: str, staff: SqlStaff) -> None:
    staff.create_user("colleague", "同事", "editor", "colleague-password")
    source = fresh_address()
    for n in range(FREE_FAILURES + 1):
        assert sign_in(console, f"someone-{n}", "guess-guess", source).status == 401
    refused = sign_in(console, "colleague", "colleague-password", source)
    assert refused.status == 429 and LOGIN_REFUSED in refused.body
    assert int(refused.headers["Retry-After"]) >= 1
    assert sign_in(console, "colleague", "colleague-password").status == 303


def test_address_back_off_grows_and_ends() -> None:
    now = [1000.0]
    throttle = AddressThrottle(now=lambda: now[0])
    for _ in range(FREE_FAILURES):
        assert throttle.attempt("a") == 0
        throttle.failed("a")
    assert throttle.attempt("b") == 0  # other addresses are not affected
    waits = []
    for _ in range(4):
        assert throttle.attempt("a") == 0
        throttle.failed("a")
        waits.append(throttle.attempt("a"))  # refused, and not counted
        now[0] += waits[-1]
    assert waits == [2, 4, 8, 16]
    now[0] += WINDOW + 1
    for _ in range(FREE_FAILURES):  # a new window
        assert throttle.attempt("a") == 0


def test_attempts_count_from_the_start_until_they_succeed() -> None:
    throttle = AddressThrottle(now=lambda: 0.0)
    for _ in range(3 * FREE_FAILURES):  # signing in right never shuts an address out
        assert throttle.attempt("a") == 0
        throttle.succeeded("a")
    started = [throttle.attempt("a") for _ in range(FREE_FAILURES + 5)]  # all at once
    assert started[:FREE_FAILURES + 1] == [0] * (FREE_FAILURES + 1)
    assert all(wait > 0 for wait in started[FREE_FAILURES + 1:])


# The event loop ----------------------------------------------------------------------

def test_sign_in_flood_does_not_stall_the_desk(console: str, staff: SqlStaff) -> None:
    staff.create_user("on-duty", "值班馆员", "editor", "on-duty-password")
    cookie = session_cookie(sign_in(console, "on-duty", "on-duty-password"))
    session = f"{SESSION_COOKIE}={cookie[SESSION_COOKIE].value}"
    stop, underway = threading.Event(), threading.Event()
    flood: list[int] = []

    def sign_in_again_and_again() -> None:
        while not stop.is_set():
            flood.append(sign_in(console, "intruder", "guess-guess").status)
            underway.set()

    threads = [threading.Thread(target=sign_in_again_and_again) for _ in range(12)]
    for thread in threads:
        thread.start()
    try:
        assert underway.wait(timeout=60)
        polls = [call(console, "/desk/queue.json", cookie=session) for _ in range(20)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert {poll.status for poll in polls} == {200}
    assert set(flood) == {401} and len(flood) >= 12
    seconds = sorted(poll.seconds for poll in polls)
    p95 = seconds[int(len(seconds) * 0.95) - 1]
    assert p95 < 1.0, f"desk polls took {[round(s, 2) for s in seconds]} s"


# Cookies and odd paths ---------------------------------------------------------------

def test_cookies_are_secure_when_served_over_https(
    console: str, database: str, staff: SqlStaff, tmp_path_factory: pytest.TempPathFactory
) -> None:
    staff.create_user("cookie", "看饼干的馆员", "editor", "cookie-password")
    plain = session_cookie(sign_in(console, "cookie", "cookie-password"))[SESSION_COOKIE]
    assert plain["httponly"] and not plain["secure"]
    log = tmp_path_factory.mktemp("https") / "console.log"
    with running_console(database, log, ADMIN_PUBLIC_URL="https://staff.example.org/") as url:
        secure = session_cookie(sign_in(url, "cookie", "cookie-password"))[SESSION_COOKIE]
        login_form = call(url, "/login").headers["Set-Cookie"]
    assert secure["httponly"] and secure["secure"]
    assert "Secure" in login_form


ODD_PATHS = ["/static/desk.js%00.css", "/static/..%2f..%2fetc/passwd", "/%00",
             "/static/%00", "/static/" + "a" * 300, "/" + "a" * 5000,
             "/static/" + "a" * 5000, "/entries/%00", "/static/%2e%2e/app.py"]


def test_odd_paths_are_refused_plainly(console: str, staff: SqlStaff) -> None:
    staff.create_user("curious", "好奇的馆员", "editor", "curious-password")
    cookie = session_cookie(sign_in(console, "curious", "curious-password"))
    session = f"{SESSION_COOKIE}={cookie[SESSION_COOKIE].value}"
    for path in ODD_PATHS:
        for signed_in in ("", session):
            answer = call(console, path, cookie=signed_in)
            assert answer.status in (400, 404), (path[:40], signed_in, answer.status)
    assert call(console, "/static/desk.js").status == 200


# Demo mode and settings --------------------------------------------------------------

def test_demo_accounts_only_in_demo_mode(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'library.db'}"
    upgrade(url)
    monkeypatch.setenv("LIBRARY_DEMO_MODE", "0")
    setup(url)
    staff = SqlStaff(SqlStore(url))
    assert staff.accounts() == []
    assert "python -m bot.staff_accounts create" in capsys.readouterr().err
    monkeypatch.setenv("LIBRARY_DEMO_MODE", "1")
    setup(url)
    assert [a.username for a in staff.accounts()] == ["admin", "editor", "reviewer"]
    assert "演示模式：已创建演示馆员账号" in capsys.readouterr().err
    assert staff.authenticate("editor", "editor123") is not None


def test_settings_carry_demo_mode_and_public_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIBRARY_DEMO_MODE", raising=False)
    monkeypatch.delenv("ADMIN_PUBLIC_URL", raising=False)
    assert not load_settings().demo_mode
    monkeypatch.setenv("LIBRARY_DEMO_MODE", "true")
    monkeypatch.setenv("ADMIN_PUBLIC_URL", "https://staff.example.org/")
    environment = load_settings().environment()
    assert environment["LIBRARY_DEMO_MODE"] == "1"
    assert environment["ADMIN_PUBLIC_URL"] == "https://staff.example.org/"


# python -m bot.staff_accounts --------------------------------------------------------

def test_accounts_command_line(database: str, staff: SqlStaff,
                               monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    def command(*argv: str, stdin: str = "") -> None:
        """`python -m bot.staff_accounts ARGV` with stdin a pipe (not a terminal)."""
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        staff_accounts.main([*argv, "--database-url", database])

    with pytest.raises(SystemExit) as refused:
        command("create", "newbie", "--name", "新馆员", "--role", "editor", stdin="short\n")
    assert "密码至少需要 10 个字符" in str(refused.value.code)
    command("create", "newbie", "--name", "新馆员", "--role", "reviewer",
            stdin="newbie-password\n")
    assert "已创建账号 newbie" in capsys.readouterr().out
    user = staff.authenticate("newbie", "newbie-password")
    assert user is not None and user.role == "reviewer"

    # Locked and signed in twice: a new password ends both sessions and lifts the lock.
    tokens = [staff.open_session(user)[0] for _ in range(2)]
    for _ in range(5):
        staff.authenticate("newbie", "wrong-password")
    command("reset-password", "newbie", stdin="newbie-password-2\n")
    assert all(staff.session_user(token) is None for token in tokens)
    assert staff.authenticate("newbie", "newbie-password-2") is not None

    token = staff.open_session(user)[0]
    command("disable", "newbie")
    assert staff.session_user(token) is None
    assert staff.authenticate("newbie", "newbie-password-2") is None
    command("list")
    assert any(line.startswith("newbie") and "已停用" in line
               for line in capsys.readouterr().out.splitlines())
    command("enable", "newbie")
    assert staff.authenticate("newbie", "newbie-password-2") is not None

    with pytest.raises(SystemExit) as unknown:
        command("disable", "nobody-at-all")
    assert "没有这个用户" in str(unknown.value.code)
    with pytest.raises(SystemExit):  # no password option: never on the command line
        command("create", "x", "--name", "x", "--role", "editor", "--password", "x" * 12)


def test_accounts_command_reads_the_password_from_a_pipe(database: str, staff: SqlStaff) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot.staff_accounts", "create", "piped", "--name", "管道",
         "--role", "admin", "--database-url", database],
        input="piped-password\n", capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "piped-password" not in done.stdout + done.stderr
    assert staff.authenticate("piped", "piped-password") is not None
