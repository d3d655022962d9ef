"""Servers and disks that only the tests use, so that faults can be played on them
without touching the machine's shared PostgreSQL (5432) and Redis (6379):

- PrivatePostgres: a PostgreSQL 15 cluster made by initdb in a temporary directory, run
  as the `postgres` user (initdb refuses root), trust authentication, 127.0.0.1 only,
  on a free port; it can be stopped, started and restarted (pg_ctl);
- PrivateRedis: a redis-server on a free port without persistence; stop and start again
  on the same port;
- SizeLimitedDirectory: a small tmpfs mounted on a temporary directory (as root), which
  fill() fills up to the last byte and free() empties again.

Each is a context manager that stops or unmounts what it started, also on failure.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import redis
from sqlalchemy import create_engine, text

from bot.http_json import free_port

POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
POSTGRES_USER = "postgres"
STOP_TIMEOUT_SECONDS = 30


def _wait_for(check: Callable[[], bool], what: str, timeout: float = 30) -> None:
    """Polls check() until it returns True; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} within {timeout:.0f} s")
        time.sleep(0.1)


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on 127.0.0.1:<free port>."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="jinling-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        account = pwd.getpwnam(POSTGRES_USER)
        os.chown(self.directory, account.pw_uid, account.pw_gid)
        self._as_postgres("initdb", "--pgdata", str(self.data), "--auth", "trust",
                          "--username", POSTGRES_USER, "--encoding", "UTF8",
                          "--locale", "C.UTF-8", "--no-sync")

    @property
    def server(self) -> str:
        """A URL without a database name, like bot.db.scratch.POSTGRES_SERVER."""
        return f"postgresql://{POSTGRES_USER}@127.0.0.1:{self.port}"

    def _as_postgres(self, program: str, *args: str) -> None:
        subprocess.run(["runuser", "-u", POSTGRES_USER, "--", str(POSTGRES_BIN / program),
                        *args], check=True, stdout=subprocess.DEVNULL, timeout=120)

    def start(self) -> None:
        # Sockets in the private directory; fsync off: a test cluster, restarts are clean.
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-c unix_socket_directories={self.directory} -c fsync=off "
                   f"-c max_connections=200")
        self._as_postgres("pg_ctl", "start", "--pgdata", str(self.data), "--wait",
                          "--log", str(self.log), "--options", options)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._as_postgres("pg_ctl", "stop", "--pgdata", str(self.data), "--wait",
                              "--mode", "fast")

    def restart(self) -> None:
        """pg_ctl restart -m fast: every client connection is cut."""
        self._as_postgres("pg_ctl", "restart", "--pgdata", str(self.data), "--wait",
                          "--mode", "fast", "--log", str(self.log))

    def create_database(self, name: str) -> str:
        """Creates a database; returns its URL."""
        admin = create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT",
                              future=True)
        try:
            with admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        finally:
            admin.dispose()
        return f"{self.server}/{name}"

    def __enter__(self) -> PrivatePostgres:
        try:
            self.start()
        except BaseException:
            self.cleanup()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.cleanup()

    def cleanup(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, no persistence (like the deployment's)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def _answers(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--daemonize", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        _wait_for(self._answers, f"redis-server did not answer on {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None

    def __enter__(self) -> PrivateRedis:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class SizeLimitedDirectory:
    """A tmpfs of `size` (mount's notation, e.g. "16m") on a temporary directory."""

    FILLER = ".filler"

    def __init__(self, size: str) -> None:
        self.size = size
        self.path = Path(tempfile.mkdtemp(prefix="jinling-small-disk-"))

    def __enter__(self) -> SizeLimitedDirectory:
        try:
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size},mode=0700",
                            "tmpfs", str(self.path)], check=True, timeout=30)
        except BaseException:
            self.path.rmdir()
            raise
        return self

    def __exit__(self, *exc_info: object) -> None:
        # A process still holding a file open must not keep the mount: lazy unmount.
        subprocess.run(["umount", "--lazy", str(self.path)], check=False, timeout=30)
        with contextlib.suppress(OSError):
            self.path.rmdir()

    def fill(self) -> int:
        """Writes a file until the file system is full; returns the bytes written."""
        written = 0
        chunk = b"\0" * 65536
        with (self.path / self.FILLER).open("wb", buffering=0) as filler:
            try:
                while True:
                    written += filler.write(chunk)
            except OSError as error:
                if error.errno != errno.ENOSPC:
                    raise
            # The last partial chunk: byte by byte is too slow; halve until nothing fits.
            size = len(chunk) // 2
            while size:
                try:
                    written += filler.write(b"\0" * size)
                except OSError as error:
                    if error.errno != errno.ENOSPC:
                        raise
                    size //= 2
        return written

    def free(self) -> None:
        (self.path / self.FILLER).unlink(missing_ok=True)

    def available(self) -> int:
        stats = os.statvfs(self.path)
        return stats.f_bavail * stats.f_frsize
