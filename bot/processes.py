"""Start and stop the assistant's server processes (Rasa server, action server).

Shared by `make run` (bot.run), the end-to-end tests and the benchmarks, so all
three run the assistant exactly the same way.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

from bot.settings import PROJECT_ROOT, Settings

VENV_BIN = Path(sys.executable).parent
STARTUP_TIMEOUT_SECONDS = 300


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment every child process gets."""
    return {
        **os.environ,
        **settings.environment(),
        "PYTHONPATH": str(PROJECT_ROOT),
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


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
    """The action server, the Rasa server and the staff console.

    Use as a context manager; leaving it stops every child, also on Ctrl-C.
    """

    def __init__(self, settings: Settings, model: Path, log: IO[str] | None = None) -> None:
        self.settings = settings
        self.model = model
        self.log = log
        self.children: list[subprocess.Popen] = []

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
        )
        self.children.append(process)
        return process

    def start_action_server(self) -> None:
        process = self._spawn(
            [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
             "--port", str(self.settings.action_port)]
        )
        health = f"http://{self.settings.host}:{self.settings.action_port}/health"
        wait_until_answering(health, process, STARTUP_TIMEOUT_SECONDS)

    def start_admin_console(self) -> None:
        process = self._spawn([sys.executable, "-m", "bot.admin"])
        wait_until_answering(self.settings.admin_url + "login", process, STARTUP_TIMEOUT_SECONDS)

    def rasa_arguments(self) -> list[str]:
        return [
            "--model", str(self.model),
            "--endpoints", "endpoints.yml",
            "--credentials", "credentials.yml",
        ]

    def start_rasa_server(self) -> None:
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        process = self._spawn(
            [str(VENV_BIN / "rasa"), "run", *self.rasa_arguments(),
             "--enable-api", "--interface", self.settings.host,
             "--port", str(self.settings.rasa_port)]
        )
        wait_until_answering(self.settings.rasa_url + "/", process, STARTUP_TIMEOUT_SECONDS)

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
