"""Start and stop the assistant's server processes (Rasa server, action server).

Shared by `make run` (bot.run), the end-to-end tests and the benchmarks, so all
three run the assistant exactly the same way.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from bot.private_files import PRIVATE_UMASK
from bot.settings import PROJECT_ROOT, Settings

VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_SECONDS = 300


# Quiet, offline Rasa: no telemetry or crash reports sent anywhere, fewer TF logs.
OFFLINE_RASA = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
}


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment every child process gets."""
    return {
        **os.environ,
        **settings.environment(),
        **OFFLINE_RASA,
        "PYTHONPATH": str(PROJECT_ROOT),
    }


def haproxy_binary() -> str:
    """Debian's HAProxy (in /usr/sbin, which a user's PATH may lack)."""
    found = shutil.which("haproxy", path=os.pathsep.join(
        [os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))
    if found is None:
        raise RuntimeError("HAProxy is not installed: `make haproxy` (apt-get install haproxy)")
    return found


def ports_in_use(settings: Settings) -> list[str]:
    """The servers whose configured port is already taken on the configured host."""
    taken = []
    for name, port in (("Rasa server", settings.rasa_port),
                       ("action server", settings.action_port),
                       ("demo page", settings.chat_port),
                       ("staff console", settings.admin_port)):
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((settings.host, port))
            except OSError:
                taken.append(f"{port} ({name})")
    return taken


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float) -> None:
    """Polls url until it answers HTTP 200; fails early if the process dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[:3]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


class AssistantProcesses:
    """The action server, the Rasa server, the staff console, the relay, the notice
    scheduler and the staff Telegram bot.

    Use as a context manager; leaving it stops every child, also on Ctrl-C.
    """

    def __init__(self, settings: Settings, model: Path, log: IO[str] | None = None) -> None:
        self.settings = settings
        self.model = model
        self.log = log
        self.children: list[subprocess.Popen] = []
        #: servers started with wait=False, until wait_until_ready()
        self.starting: list[tuple[str, subprocess.Popen]] = []

    def _spawn(self, args: list[str]) -> subprocess.Popen:
        process = subprocess.Popen(
            args,
            cwd=PROJECT_ROOT,
            env=child_environment(self.settings),
            stdout=self.log,
            stderr=subprocess.STDOUT if self.log else None,
            # Own process group: a terminal's Ctrl-C reaches only us, and we stop
            # the children in order.
            start_new_session=True,
            umask=PRIVATE_UMASK,  # the tracker store, logs and databases are private
        )
        self.children.append(process)
        return process

    def _start(self, args: list[str], ready_url: str, wait: bool) -> None:
        """Spawns a server; waits until it answers, now or in wait_until_ready()."""
        self.starting.append((ready_url, self._spawn(args)))
        if wait:
            self.wait_until_ready()

    def wait_until_ready(self) -> None:
        for url, process in self.starting:
            wait_until_answering(url, process, STARTUP_TIMEOUT_SECONDS)
        self.starting.clear()

    def start_action_server(self, wait: bool = True) -> None:
        self._start(
            [sys.executable, "-m", "bot.action_server"],
            f"http://{self.settings.host}:{self.settings.action_port}/health", wait,
        )

    def start_relay(self) -> None:
        """Sends staff replies to readers on push channels (WeChat, Telegram), if any is
        configured (the widget fetches its messages itself)."""
        if self.settings.push_channels:
            self._spawn([sys.executable, "-m", "bot.relay"])

    def start_notices(self) -> None:
        """The scheduler of reader notices (hold ready, loan due, overdue)."""
        self._spawn([sys.executable, "-m", "bot.notices"])

    def start_staff_telegram(self) -> None:
        """The staff bot in the allow-listed Telegram groups (if a token is set)."""
        if self.settings.telegram_staff_bot_token:
            self._spawn([sys.executable, "-m", "bot.staff_telegram"])

    def start_admin_console(self, wait: bool = True) -> None:
        self._start([sys.executable, "-m", "bot.admin"], self.settings.admin_url + "login", wait)

    def start_haproxy(self, config: Path) -> None:
        """HAProxy in the foreground with this configuration (the scale-out front on this
        deployment's Rasa and action ports); ready when it answers on the Rasa port."""
        self._start([haproxy_binary(), "-f", str(config), "-db"],
                    self.settings.rasa_url + "/", True)

    def rasa_arguments(self) -> list[str]:
        return [
            "--model", str(self.model),
            "--endpoints", self.settings.endpoints_file,
            "--credentials", "credentials.yml",
        ]

    def start_rasa_server(self, wait: bool = True) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        self._start(
            [sys.executable, "-m", "bot.rasa_server", *self.rasa_arguments(),
             "--enable-api", "--interface", self.settings.host,
             "--port", str(self.settings.rasa_port)],
            self.settings.rasa_url + "/", wait,
        )

    def stop(self) -> None:
        """Stops children newest first: SIGTERM, then SIGKILL after 15 s."""
        for process in reversed(self.children):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in reversed(self.children):
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.children.clear()

    def __enter__(self) -> AssistantProcesses:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
