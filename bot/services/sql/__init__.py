"""The embedded implementation of the library services: the SQL database."""

from __future__ import annotations

from bot.services.interface import LibraryServices
from bot.services.sql.activities import SqlActivities
from bot.services.sql.catalogue import SqlCatalogue
from bot.services.sql.circulation import SqlCirculation
from bot.services.sql.faq import SqlKnowledge
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
