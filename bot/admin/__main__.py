"""``python -m bot.admin``: serve the staff console (see bot.settings for the variables)."""

from __future__ import annotations

from bot.admin.app import create_app
from bot.settings import load_settings


def main() -> None:
    settings = load_settings()
    app = create_app(settings.database_url)
    print(f"Staff console on {settings.admin_url}", flush=True)
    app.run(host=settings.host, port=settings.admin_port, access_log=False, motd=False,
            workers=1)


if __name__ == "__main__":
    main()
