"""The one place that chooses the library's services and builds them from the settings.

Every process gets its services here: the action server, the reader channels on the
Rasa server, the staff console, the relay, the notice scheduler, the staff Telegram bot
and the command-line tools. Only this module imports implementations, so changing
LIBRARY_BACKEND changes them everywhere at once: the channels' password check is the
very circulation object the actions place holds with (docs/ils-integration.md).

Services are built once per settings (and a database's engine once per URL).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from bot.services.desk_roles import InboundLog, Outbox, ReaderDesk, StaffChatBook, StaffDesk
from bot.services.interface import Circulation, LibraryServices, Notices, ReaderLogin
from bot.services.sql.activities import SqlActivities
from bot.services.sql.catalogue import SqlCatalogue
from bot.services.sql.circulation import SqlCirculation
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.library_info import SqlLibraryInfo
from bot.services.sql.notices import SqlNotices
from bot.services.sql.resources import SqlResources
from bot.services.sql.session import SqlStore
from bot.services.sql.staff import SqlStaff
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.statistics.capture import Recorder

BACKENDS = ("sql", "sip2")


class ConfigurationError(Exception):
    """The settings ask for services this installation cannot build."""


@cache
def _store(database_url: str) -> SqlStore:
    return SqlStore(database_url)


def _circulation(settings: Settings, store: SqlStore) -> Circulation:
    """Reader cards, holds and loans from the backend LIBRARY_BACKEND names; the
    conversation state of verified readers stays in the library database (store)."""
    if settings.library_backend == "sql":
        return SqlCirculation(store)
    if settings.library_backend == "sip2":
        from bot.services.sip2 import sip2_circulation  # loaded only where chosen

        return sip2_circulation(settings, store)
    raise ConfigurationError(
        f"LIBRARY_BACKEND={settings.library_backend!r}: choose one of {', '.join(BACKENDS)}")


@cache
def library_services(settings: Settings) -> LibraryServices:
    """Everything the actions use."""
    store = _store(settings.database_url)
    return LibraryServices(
        info=SqlLibraryInfo(store),
        catalogue=SqlCatalogue(store),
        circulation=_circulation(settings, store),
        activities=SqlActivities(store),
        knowledge=SqlKnowledge(store),
        resources=SqlResources(store),
    )


def reader_login(settings: Settings) -> ReaderLogin:
    """The channels' reader-card check: the actions' circulation itself."""
    return library_services(settings).circulation


@cache
def _desk(database_url: str) -> SqlHandoff:
    """Tickets, duty schedule, outbox: the assistant's own data, in the library
    database whatever the backend."""
    return SqlHandoff(_store(database_url))


def reader_desk(settings: Settings) -> ReaderDesk:
    return _desk(settings.database_url)


def staff_desk(settings: Settings) -> StaffDesk:
    return _desk(settings.database_url)


def outbox(settings: Settings) -> Outbox:
    return _desk(settings.database_url)


def inbound_log(settings: Settings) -> InboundLog:
    return _desk(settings.database_url)


def staff_chat_book(settings: Settings) -> StaffChatBook:
    return _desk(settings.database_url)


@cache
def notices(settings: Settings) -> Notices:
    """Notices readers did not ask for (hold ready, loan due, overdue)."""
    return SqlNotices(_store(settings.database_url),
                      wechat_template=bool(settings.wechat_notice_template_id))


def knowledge_admin(settings: Settings) -> SqlKnowledge:
    """The FAQ with its editing workflow (drafts, review, audit, import and export)."""
    return SqlKnowledge(_store(settings.database_url))


def resources_admin(settings: Settings) -> SqlResources:
    """The digital-resource directory with the FAQ's editing workflow."""
    return SqlResources(_store(settings.database_url))


def statistics_store(settings: Settings) -> SqlStore:
    """The consultation statistics: the assistant's own data, in the library database."""
    return _store(settings.database_url)


@cache
def consultation_recorder(settings: Settings) -> Recorder:
    """Records each reader message's topic and outcome for the statistics (the Rasa
    server's channels)."""
    from bot.statistics.capture import Recorder  # Rasa's channel types: not for actions

    return Recorder(statistics_store(settings), settings.widget_secret.encode())


def staff_accounts(settings: Settings) -> SqlStaff:
    """Staff accounts and their console sessions."""
    return SqlStaff(_store(settings.database_url))
