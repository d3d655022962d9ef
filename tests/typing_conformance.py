"""Each implementation against the protocols it plays, for mypy (`make typecheck`).

Never run: mypy proves that each function below type-checks, i.e. that the class it
returns has every method of the protocol with a compatible signature. A new backend
adds its classes here (docs/ils-integration.md).
"""

from __future__ import annotations

from bot.services.desk_roles import InboundLog, Outbox, ReaderDesk, StaffChatBook, StaffDesk
from bot.services.interface import (
    Activities,
    Catalogue,
    Circulation,
    KnowledgeBase,
    LibraryInfo,
    Notices,
    ReaderLogin,
    ResourceDirectory,
)
from bot.services.sip2.circulation import Sip2Circulation
from bot.services.sip2.client import Sip2Client
from bot.services.sip2.profile import Locations
from bot.services.sql.activities import SqlActivities
from bot.services.sql.catalogue import SqlCatalogue
from bot.services.sql.circulation import SqlCirculation
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.library_info import SqlLibraryInfo
from bot.services.sql.notices import SqlNotices
from bot.services.sql.reader_login import SqlReaderLogin
from bot.services.sql.resources import SqlResources
from bot.services.sql.session import SqlStore

# --- the library services (bot/services/interface.py) -----------------------------


def sql_library_info(store: SqlStore) -> LibraryInfo:
    return SqlLibraryInfo(store)


def sql_catalogue(store: SqlStore) -> Catalogue:
    return SqlCatalogue(store)


def sql_reader_login(store: SqlStore) -> ReaderLogin:
    return SqlReaderLogin(store)


def sql_circulation(store: SqlStore) -> Circulation:
    return SqlCirculation(store)


def sip2_circulation(store: SqlStore, client: Sip2Client) -> Circulation:
    return Sip2Circulation(store, client, Locations())


def sql_activities(store: SqlStore) -> Activities:
    return SqlActivities(store)


def sql_knowledge(store: SqlStore) -> KnowledgeBase:
    return SqlKnowledge(store)


def sql_notices(store: SqlStore) -> Notices:
    return SqlNotices(store)


def sql_resources(store: SqlStore) -> ResourceDirectory:
    return SqlResources(store)


# --- the desk's roles (bot/services/desk_roles.py) ---------------------------------


def sql_reader_desk(store: SqlStore) -> ReaderDesk:
    return SqlHandoff(store)


def sql_staff_desk(store: SqlStore) -> StaffDesk:
    return SqlHandoff(store)


def sql_outbox(store: SqlStore) -> Outbox:
    return SqlHandoff(store)


def sql_inbound_log(store: SqlStore) -> InboundLog:
    return SqlHandoff(store)


def sql_staff_chat_book(store: SqlStore) -> StaffChatBook:
    return SqlHandoff(store)
