"""`make run`: train if needed, start the action server, the Rasa server and the
demo page with the widget, the staff console (and the relay and staff Telegram bot when
configured), print the URLs, and stop everything cleanly on Ctrl-C.

`python -m bot.run --shell` chats in this terminal instead of opening the demo page
(like `rasa shell`, but through the same guarded REST channel as readers use).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from bot.chat_page import demo_page_served
from bot.private_files import make_private
from bot.processes import AssistantProcesses, ports_in_use
from bot.settings import Settings, load_settings
from bot.terminal_chat import chat_in_terminal
from bot.training import ensure_model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in this terminal")
    parser.add_argument("--check-ports", action="store_true",
                        help="only check that the ports are free (make run does, before set-up)")
    args = parser.parse_args()

    settings = load_settings()
    if taken := ports_in_use(settings):
        print(f"Cannot start: port {', '.join(taken)} on {settings.host} is already in use "
              f"— is the assistant already running (make run)? Stop it, or choose other "
              f"ports (RASA_PORT, ACTION_PORT, CHAT_PORT, ADMIN_PORT).", file=sys.stderr)
        return 1
    if args.check_ports:
        return 0
    make_private(settings.var_dir)
    model = ensure_model(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    log_path = settings.var_dir / "servers.log"
    with log_path.open("a") as log, AssistantProcesses(settings, model, log) as processes:
        print(f"Starting the servers (the Rasa server loads the model in about half a "
              f"minute; their log is in {log_path}) ...", file=sys.stderr, flush=True)
        processes.start_action_server(wait=False)
        processes.start_rasa_server(wait=False)
        if not args.shell:
            processes.start_admin_console(wait=False)
        processes.wait_until_ready()
        if args.shell:
            chat_in_terminal(settings)
            return 0
        processes.start_relay()
        processes.start_notices()
        processes.start_staff_telegram()
        with demo_page_served(settings):
            return _serve_until_stopped(settings, processes, stop)


def _serve_until_stopped(settings: Settings, processes: AssistantProcesses,
                         stop: threading.Event) -> int:
    """Prints where everything is; waits for Ctrl-C, SIGTERM or a child's exit."""
    print(
        f"\n金陵图书馆咨询助手已启动 / the assistant is running:\n"
        f"  demo page      {settings.chat_url}  (library home page with the chat widget)\n"
        f"  staff console  {settings.admin_url}  (demo logins in README.md)\n"
        f"  Rasa REST API  {settings.rasa_url}/webhooks/rest/webhook\n"
        f"  action server  http://{settings.host}:{settings.action_port}\n"
        f"Press Ctrl-C to stop.",
        flush=True,
    )
    # Ctrl-C stops it, also when it was started from a background job (`make run &`
    # starts with SIGINT ignored).
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    try:
        while not stop.wait(1):
            if any(child.poll() is not None for child in processes.children):
                print("A server process exited; stopping.", file=sys.stderr)
                return 1
    finally:
        print("\nStopping ...", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
