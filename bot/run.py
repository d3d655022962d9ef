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
from bot.processes import AssistantProcesses
from bot.settings import Settings, load_settings
from bot.terminal_chat import chat_in_terminal
from bot.training import ensure_model


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shell", action="store_true", help="chat in this terminal")
    args = parser.parse_args()

    settings = load_settings()
    model = ensure_model(settings)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    log = (settings.var_dir / "servers.log").open("a") if args.shell else None
    with AssistantProcesses(settings, model, log) as processes:
        print("Starting the action server ...", file=sys.stderr)
        processes.start_action_server()
        print("Starting the Rasa server (loading the model takes a while) ...", file=sys.stderr)
        processes.start_rasa_server()
        if args.shell:
            chat_in_terminal(settings)
            return 0
        processes.start_admin_console()
        processes.start_relay()
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
    try:
        while not stop.wait(1):
            if any(child.poll() is not None for child in processes.children):
                print("A server process exited; stopping.", file=sys.stderr)
                return 1
    except KeyboardInterrupt:
        pass
    finally:
        print("\nStopping ...", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
