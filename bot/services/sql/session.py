"""Sessions for the SQL services; database failures become ServiceUnavailableError."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from bot.db.engine import session_factory
from bot.services.interface import ServiceUnavailableError


class SqlStore:
    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self._sessions = session_factory(database_url)

    @property
    def dialect(self) -> str:
        return self._sessions.kw["bind"].dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in a transaction: committed on success, rolled back on error."""
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as error:
            raise ServiceUnavailableError(str(error.orig)) from error
        except DBAPIError as error:
            if error.connection_invalidated:
                raise ServiceUnavailableError(str(error.orig)) from error
            raise
