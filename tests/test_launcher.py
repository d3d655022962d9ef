"""`make run`'s launcher: starts every server on the configured ports, prints where,
and Ctrl-C stops all of them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.http_json import free_port, post_json
from bot.settings import PROJECT_ROOT


def listening(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
            return True
    except OSError as error:
        return getattr(error, "code", None) is not None  # an HTTP error still answers


def test_run_starts_everything_and_ctrl_c_stops_it(tmp_path: Path, model: Path) -> None:
    ports = {name: free_port() for name in ("RASA_PORT", "ACTION_PORT", "CHAT_PORT",
                                            "ADMIN_PORT")}
    database = f"sqlite:///{tmp_path / 'library.db'}"
    env = {**os.environ, **{k: str(v) for k, v in ports.items()},
           "LIBRARY_VAR_DIR": str(tmp_path), "LIBRARY_DATABASE_URL": database,
           "PYTHONPATH": str(PROJECT_ROOT)}
    subprocess.run([sys.executable, "-m", "bot.db.migrate"], env=env, check=True,
                   cwd=PROJECT_ROOT, capture_output=True)
    launcher = subprocess.Popen([sys.executable, "-m", "bot.run"], env=env, cwd=PROJECT_ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        banner = ""
        deadline = time.monotonic() + 300
        while "Ctrl-C" not in banner and time.monotonic() < deadline:
            line = launcher.stdout.readline()
            assert line, "the launcher exited before printing its banner"
            banner += line
        assert f"http://127.0.0.1:{ports['CHAT_PORT']}/" in banner
        assert all(listening(port) for port in ports.values())
        widget = f"http://127.0.0.1:{ports['RASA_PORT']}/webhooks/widget/"
        with urllib.request.urlopen(f"http://127.0.0.1:{ports['CHAT_PORT']}/") as page:
            assert f'<script src="{widget}widget.js"' in page.read().decode()
        preflight = urllib.request.Request(widget + "message", method="OPTIONS", headers={
            "Origin": f"http://127.0.0.1:{ports['CHAT_PORT']}",
            "Access-Control-Request-Method": "POST"})
        with urllib.request.urlopen(preflight) as allowed:  # the page may call the widget
            assert allowed.status == 204
        session = post_json(widget + "session", {})
        replies = post_json(widget + "message", {**session, "text": "你好"})
        assert "金陵图书馆" in replies["messages"][0]["text"]
        second = subprocess.run([sys.executable, "-m", "bot.run"], env=env, cwd=PROJECT_ROOT,
                                capture_output=True, text=True, timeout=60)
        assert second.returncode == 1
        assert second.stderr.count("\n") == 1 and "already in use" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        launcher.send_signal(signal.SIGINT)
        assert launcher.wait(timeout=60) == 0
    time.sleep(1)
    assert not any(listening(port) for port in ports.values())
