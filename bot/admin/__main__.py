"""``python -m bot.admin``: serve the staff console (see bot.settings for the variables)."""

from __future__ import annotations

import logging

from bot.admin.app import create_app
from bot.settings import load_settings


def main() -> None:
    # Warnings of this project's modules (e.g. refused sign-ins), with the time; Sanic
    # logs its own lines.
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(message)s"))
    logging.getLogger("bot").addHandler(handler)
    settings = load_settings()
    app = create_app(settings,
                     secure_cookies=settings.admin_public_url.startswith("https://"))
    print(f"Staff console on {settings.admin_url}", flush=True)
    app.run(host=settings.host, port=settings.admin_port, access_log=False, motd=False,
            workers=1)


if __name__ == "__main__":
    main()
