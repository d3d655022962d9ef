"""The embedded implementation of the library services: the SQL database."""

from __future__ import annotations

from functools import cache

from bot.services.interface import LibraryServices
from bot.services.sql.activities import SqlActivities
from bot.services.sql.catalogue import SqlCatalogue
from bot.services.sql.circulation import SqlCirculation
from bot.services.sql.faq import SqlKnowledge
from bot.services.sql.handoff import SqlHandoff
from bot.services.sql.library_info import SqlLibraryInfo
from bot.services.sql.session import SqlStore


def sql_services(database_url: str) -> LibraryServices:
    store = SqlStore(database_url)
    return LibraryServices(
        info=SqlLibraryInfo(store),
        catalogue=SqlCatalogue(store),
        circulation=SqlCirculation(store),
        activities=SqlActivities(store),
        knowledge=SqlKnowledge(store),
    )


@cache
def handoff_desk(database_url: str) -> SqlHandoff:
    """Tickets, duty schedule and outbox: the assistant's own data (always SQL, also
    when the catalogue and circulation come from the library's own system)."""
    return SqlHandoff(SqlStore(database_url))
