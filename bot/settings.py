"""All configuration, read from environment variables with documented defaults.

- LIBRARY_HOST (127.0.0.1): interface every server listens on
- RASA_PORT (5005): Rasa server (REST channel, HTTP API)
- ACTION_PORT (5055): Rasa action server
- CHAT_PORT (8080): the demo page of the library with the chat widget
- ADMIN_PORT (8090): staff console (FAQ editing and review, unanswered questions)
- ADMIN_PUBLIC_URL (empty: http://LIBRARY_HOST:ADMIN_PORT/): the address staff open the
  console at; when it starts with https:// (a TLS proxy in front of the console), the
  console's cookies are marked Secure (sent over HTTPS only)
- LIBRARY_DEMO_MODE (false; `make run` and the tests set 1): `bot.knowledge_cli setup`
  creates the demo staff accounts of README.md in a database that has no staff account;
  never set it on a live server (create accounts with `python -m bot.staff_accounts`)
- LIBRARY_VAR_DIR (var): where embedded databases and logs live
- RASA_TRACKER_DB (<LIBRARY_VAR_DIR>/rasa_tracker.db): SQLite file of Rasa's tracker store
- LIBRARY_MODEL_DIR (models): trained Rasa models
- LIBRARY_DATABASE_URL (sqlite:///<LIBRARY_VAR_DIR>/library.db): the library's data
  (SQLAlchemy URL; e.g. postgresql://user@127.0.0.1:5432/library)
- LIBRARY_BACKEND (sql): where circulation (reader cards, holds, loans) comes from: `sql`,
  the library database above, or `sip2`, the library's own system over SIP2; chosen in
  bot/wiring.py (docs/ils-integration.md)
- SIP2_HOST (127.0.0.1), SIP2_PORT (6001): the ILS's SIP2 server (LIBRARY_BACKEND=sip2)
- SIP2_USER, SIP2_PASSWORD (empty): the assistant's SIP login (93) at the ILS; the
  password is passed through the environment only and never logged
- SIP2_INSTITUTION (JLTSG): the institution id (AO); SIP2_LOCATION (assistant): the
  assistant's own location code (CP of the login)
- SIP2_LOCATIONS (empty: a branch's code is its SIP2 location): the ILS's location ids
  of the branches, e.g. "JL-MAIN=01,JL-HEXI=02" (bot/services/sip2/profile.py)
- SIP2_ENCODING (utf-8): the ILS's character set (many Chinese systems use gb18030)
- SIP2_TIMEOUT_SECONDS (5): limit on connecting and on each answer
- SIP2_POOL_SIZE (4): connections kept open to the ILS per process

- RASA_API_TOKEN (random, kept in <LIBRARY_VAR_DIR>/rasa_api_token): required by Rasa's
  HTTP API (conversations, model parsing); the reader channels do not need it
- ACTION_SERVER_TOKEN (random, kept in <LIBRARY_VAR_DIR>/action_server_token): the secret
  the Rasa server sends the action server (X-Action-Token); the action server refuses
  every request without it

Scale-out (several Rasa and action-server processes behind HAProxy, bot/scale_out.py):
- RASA_TRACKER_URL (empty: the SQLite file above): Rasa's tracker store on PostgreSQL,
  e.g. postgresql://postgres@127.0.0.1:5432/rasa_tracker; setting it selects
  endpoints.scale-out.yml, which also uses the Redis lock store
- REDIS_URL (redis://127.0.0.1:6379/1): Rasa's lock store in the scale-out setup

Reader channels (a channel whose credentials are empty refuses requests):
- WIDGET_SECRET (random, kept in <LIBRARY_VAR_DIR>/widget_secret): signs web-widget
  session ids; every Rasa process of one deployment needs the same value
- WIDGET_ALLOWED_ORIGINS (the demo page's origin): comma-separated origins of the pages
  that may embed the widget (the library's website)
- WIDGET_IDLE_MINUTES (15): a reader verified in the widget is signed out after this
  many minutes without a message (shared computers in the library)
- REST_CHANNEL_TOKEN (empty): the REST channel (/webhooks/rest/webhook) requires
  "Authorization: Bearer <token>"; without a token it answers only direct callers
  from this machine (no proxy headers), which is what `make run`, tools and tests use
- WECHAT_TOKEN, WECHAT_APP_ID, WECHAT_APP_SECRET, WECHAT_ENCODING_AES_KEY (empty): the
  official account's server settings (AES "safe mode" when the key is set)
- WECHAT_API_BASE (https://api.weixin.qq.com): access tokens and customer-service messages
- TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET (empty): the readers' Telegram bot
- TELEGRAM_API_BASE (https://api.telegram.org/bot): Bot API base URL (token appended)

The library's clock (bot.clock):
- LIBRARY_TIMEZONE (Asia/Shanghai): the library's timezone; "today", opening hours and
  every time stored in the library database are the library's local time
- LIBRARY_CLOCK_OFFSET_SECONDS (0): moves the library's clock by this many seconds
  (tests pin a date with it; every process started with these settings agrees)

Staff on Telegram:
- TELEGRAM_STAFF_BOT_TOKEN (empty: no staff bot), TELEGRAM_STAFF_CHAT_IDS (empty):
  the staff bot and the comma-separated chat ids of staff groups it serves

Relative paths are taken from the project root.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CLOCK_OFFSET_VARIABLE = "LIBRARY_CLOCK_OFFSET_SECONDS"
TRUE_WORDS = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    """Resolved configuration of one deployment."""

    host: str
    rasa_port: int
    action_port: int
    chat_port: int
    admin_port: int
    admin_public_url: str
    demo_mode: bool
    var_dir: Path
    tracker_db: Path
    model_dir: Path
    database_url: str
    library_backend: str
    sip2_host: str
    sip2_port: int
    sip2_user: str
    sip2_password: str = field(repr=False)
    sip2_institution: str
    sip2_location: str
    sip2_locations: str
    sip2_encoding: str
    sip2_timeout_seconds: float
    sip2_pool_size: int
    rasa_api_token: str = field(repr=False)
    action_server_token: str = field(repr=False)
    tracker_url: str
    redis_url: str
    widget_secret: str = field(repr=False)
    widget_origins: tuple[str, ...]
    widget_idle_minutes: int
    rest_token: str = field(repr=False)
    wechat_token: str = field(repr=False)
    wechat_app_id: str
    wechat_app_secret: str = field(repr=False)
    wechat_aes_key: str = field(repr=False)
    wechat_api_base: str
    #: WeChat template for notices outside the 48-hour customer-service window ("": none)
    wechat_notice_template_id: str
    notice_interval_seconds: float
    telegram_bot_token: str = field(repr=False)
    telegram_webhook_secret: str = field(repr=False)
    telegram_api_base: str
    telegram_staff_bot_token: str = field(repr=False)
    telegram_staff_chat_ids: tuple[str, ...]
    library_timezone: str
    clock_offset_seconds: float

    def with_database(self, database_url: str) -> Settings:
        """These settings with another library database (tools given a database URL)."""
        return replace(self, database_url=database_url)

    @property
    def rasa_url(self) -> str:
        return f"http://{self.host}:{self.rasa_port}"

    def rasa_api_url(self, path: str) -> str:
        """A URL of Rasa's HTTP API, with its token (e.g. "/model/parse")."""
        return f"{self.rasa_url}{path}?{urlencode({'token': self.rasa_api_token})}"

    @property
    def rest_headers(self) -> dict[str, str]:
        """What a REST channel client sends to be let in (the token, if configured)."""
        return {"Authorization": f"Bearer {self.rest_token}"} if self.rest_token else {}

    @property
    def action_server_url(self) -> str:
        return f"http://{self.host}:{self.action_port}/webhook"

    @property
    def chat_url(self) -> str:
        return f"http://{self.host}:{self.chat_port}/"

    @property
    def chat_origin(self) -> str:
        return f"http://{self.host}:{self.chat_port}"

    @property
    def admin_url(self) -> str:
        return f"http://{self.host}:{self.admin_port}/"

    @property
    def push_channels(self) -> tuple[str, ...]:
        """Reader channels configured for messages sent later by the relay."""
        wechat = bool(self.wechat_app_id and self.wechat_app_secret)
        return (("wechat",) if wechat else ()) + (("telegram",) if self.telegram_bot_token else ())

    @property
    def endpoints_file(self) -> str:
        """Rasa's endpoints: the embedded default, or PostgreSQL + Redis (scale-out)."""
        return "endpoints.scale-out.yml" if self.tracker_url else "endpoints.yml"

    def _scale_out_environment(self) -> dict[str, str]:
        """The parts of the tracker and Redis URLs that endpoints.scale-out.yml expands."""
        tracker = make_url(self.tracker_url or "postgresql://localhost/rasa")
        redis = urlsplit(self.redis_url)
        return {
            "RASA_TRACKER_HOST": tracker.host or "localhost",
            "RASA_TRACKER_PORT": str(tracker.port or 5432),
            "RASA_TRACKER_NAME": tracker.database or "rasa",
            "RASA_TRACKER_USER": tracker.username or "",
            "RASA_TRACKER_PASSWORD": tracker.password or "",
            "REDIS_HOST": redis.hostname or "localhost",
            "REDIS_PORT": str(redis.port or 6379),
            "REDIS_DB": redis.path.strip("/") or "1",
            # Rasa's tracker-store pool (its defaults: 50 + 100 overflow per server); a
            # Rasa server stores one turn at a time (docs/deployment.md, PostgreSQL)
            "SQL_POOL_SIZE": "5",
            "SQL_MAX_OVERFLOW": "10",
        }

    def environment(self) -> dict[str, str]:
        """These settings as the environment variables above, for child processes
        (plus ACTION_SERVER_URL, which endpoints.yml expands when Rasa starts)."""
        return {
            "LIBRARY_HOST": self.host,
            "RASA_PORT": str(self.rasa_port),
            "ACTION_PORT": str(self.action_port),
            "CHAT_PORT": str(self.chat_port),
            "ADMIN_PORT": str(self.admin_port),
            "ADMIN_PUBLIC_URL": self.admin_public_url,
            "LIBRARY_DEMO_MODE": "1" if self.demo_mode else "0",
            "LIBRARY_VAR_DIR": str(self.var_dir),
            "RASA_TRACKER_DB": str(self.tracker_db),
            "LIBRARY_MODEL_DIR": str(self.model_dir),
            "LIBRARY_DATABASE_URL": self.database_url,
            "LIBRARY_BACKEND": self.library_backend,
            "SIP2_HOST": self.sip2_host,
            "SIP2_PORT": str(self.sip2_port),
            "SIP2_USER": self.sip2_user,
            "SIP2_PASSWORD": self.sip2_password,
            "SIP2_INSTITUTION": self.sip2_institution,
            "SIP2_LOCATION": self.sip2_location,
            "SIP2_LOCATIONS": self.sip2_locations,
            "SIP2_ENCODING": self.sip2_encoding,
            "SIP2_TIMEOUT_SECONDS": str(self.sip2_timeout_seconds),
            "SIP2_POOL_SIZE": str(self.sip2_pool_size),
            "RASA_API_TOKEN": self.rasa_api_token,
            "ACTION_SERVER_TOKEN": self.action_server_token,
            "RASA_TRACKER_URL": self.tracker_url,
            "REDIS_URL": self.redis_url,
            **self._scale_out_environment(),
            "ACTION_SERVER_URL": self.action_server_url,
            "WIDGET_SECRET": self.widget_secret,
            "WIDGET_ALLOWED_ORIGINS": ",".join(self.widget_origins),
            "WIDGET_IDLE_MINUTES": str(self.widget_idle_minutes),
            "REST_CHANNEL_TOKEN": self.rest_token,
            "WECHAT_TOKEN": self.wechat_token,
            "WECHAT_APP_ID": self.wechat_app_id,
            "WECHAT_APP_SECRET": self.wechat_app_secret,
            "WECHAT_ENCODING_AES_KEY": self.wechat_aes_key,
            "WECHAT_API_BASE": self.wechat_api_base,
            "WECHAT_NOTICE_TEMPLATE_ID": self.wechat_notice_template_id,
            "NOTICE_INTERVAL_SECONDS": str(self.notice_interval_seconds),
            "TELEGRAM_BOT_TOKEN": self.telegram_bot_token,
            "TELEGRAM_WEBHOOK_SECRET": self.telegram_webhook_secret,
            "TELEGRAM_API_BASE": self.telegram_api_base,
            "TELEGRAM_STAFF_BOT_TOKEN": self.telegram_staff_bot_token,
            "TELEGRAM_STAFF_CHAT_IDS": ",".join(self.telegram_staff_chat_ids),
            "LIBRARY_TIMEZONE": self.library_timezone,
            CLOCK_OFFSET_VARIABLE: repr(self.clock_offset_seconds),
        }


def _path(name: str, default: Path) -> Path:
    value = Path(os.environ.get(name, str(default)))
    return value if value.is_absolute() else PROJECT_ROOT / value


def _list(name: str, default: str = "") -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, default).split(",")
                 if item.strip())


def _kept_secret(name: str, file: Path) -> str:
    """The variable's value, else a random secret generated once and kept in file."""
    if os.environ.get(name):
        return os.environ[name]
    if not file.exists():
        # Written privately under a temporary name, then linked into place: processes
        # starting at once all end up with the one secret that was linked first.
        file.parent.mkdir(parents=True, exist_ok=True)
        draft = file.with_name(f".{file.name}.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(32))
        try:
            os.link(draft, file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return file.read_text().strip()


def library_timezone() -> str:
    return os.environ.get("LIBRARY_TIMEZONE", "Asia/Shanghai")


def clock_offset_seconds() -> float:
    return float(os.environ.get(CLOCK_OFFSET_VARIABLE, "0"))


def load_settings() -> Settings:
    """Reads the environment; call again after changing it (tests do)."""
    var_dir = _path("LIBRARY_VAR_DIR", Path("var"))
    host = os.environ.get("LIBRARY_HOST", "127.0.0.1")
    chat_port = int(os.environ.get("CHAT_PORT", "8080"))
    return Settings(
        host=host,
        rasa_port=int(os.environ.get("RASA_PORT", "5005")),
        action_port=int(os.environ.get("ACTION_PORT", "5055")),
        chat_port=chat_port,
        admin_port=int(os.environ.get("ADMIN_PORT", "8090")),
        admin_public_url=os.environ.get("ADMIN_PUBLIC_URL", ""),
        demo_mode=os.environ.get("LIBRARY_DEMO_MODE", "").strip().lower() in TRUE_WORDS,
        var_dir=var_dir,
        tracker_db=_path("RASA_TRACKER_DB", var_dir / "rasa_tracker.db"),
        model_dir=_path("LIBRARY_MODEL_DIR", Path("models")),
        database_url=os.environ.get(
            "LIBRARY_DATABASE_URL", f"sqlite:///{var_dir / 'library.db'}"
        ),
        library_backend=os.environ.get("LIBRARY_BACKEND", "sql").strip().lower(),
        sip2_host=os.environ.get("SIP2_HOST", "127.0.0.1"),
        sip2_port=int(os.environ.get("SIP2_PORT", "6001")),
        sip2_user=os.environ.get("SIP2_USER", ""),
        sip2_password=os.environ.get("SIP2_PASSWORD", ""),
        sip2_institution=os.environ.get("SIP2_INSTITUTION", "JLTSG"),
        sip2_location=os.environ.get("SIP2_LOCATION", "assistant"),
        sip2_locations=os.environ.get("SIP2_LOCATIONS", ""),
        sip2_encoding=os.environ.get("SIP2_ENCODING", "utf-8"),
        sip2_timeout_seconds=float(os.environ.get("SIP2_TIMEOUT_SECONDS", "5")),
        sip2_pool_size=int(os.environ.get("SIP2_POOL_SIZE", "4")),
        rasa_api_token=_kept_secret("RASA_API_TOKEN", var_dir / "rasa_api_token"),
        action_server_token=_kept_secret("ACTION_SERVER_TOKEN",
                                         var_dir / "action_server_token"),
        tracker_url=os.environ.get("RASA_TRACKER_URL", ""),
        redis_url=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/1"),
        widget_secret=_kept_secret("WIDGET_SECRET", var_dir / "widget_secret"),
        widget_origins=_list("WIDGET_ALLOWED_ORIGINS", f"http://{host}:{chat_port}"),
        widget_idle_minutes=int(os.environ.get("WIDGET_IDLE_MINUTES", "15")),
        rest_token=os.environ.get("REST_CHANNEL_TOKEN", ""),
        wechat_token=os.environ.get("WECHAT_TOKEN", ""),
        wechat_app_id=os.environ.get("WECHAT_APP_ID", ""),
        wechat_app_secret=os.environ.get("WECHAT_APP_SECRET", ""),
        wechat_aes_key=os.environ.get("WECHAT_ENCODING_AES_KEY", ""),
        wechat_api_base=os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com"),
        wechat_notice_template_id=os.environ.get("WECHAT_NOTICE_TEMPLATE_ID", ""),
        notice_interval_seconds=float(os.environ.get("NOTICE_INTERVAL_SECONDS", "60")),
        telegram_bot_token=os.environ.get("TELEGRAM_BOT_TOKEN", ""),
        telegram_webhook_secret=os.environ.get("TELEGRAM_WEBHOOK_SECRET", ""),
        telegram_api_base=os.environ.get("TELEGRAM_API_BASE", "https://api.telegram.org/bot"),
        telegram_staff_bot_token=os.environ.get("TELEGRAM_STAFF_BOT_TOKEN", ""),
        telegram_staff_chat_ids=_list("TELEGRAM_STAFF_CHAT_IDS"),
        library_timezone=library_timezone(),
        clock_offset_seconds=clock_offset_seconds(),
    )
