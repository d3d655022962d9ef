"""Circulation from the library's own system (ILS) over SIP2: LIBRARY_BACKEND=sip2."""

from __future__ import annotations

from bot.services.interface import Circulation
from bot.services.sip2.circulation import Sip2Circulation
from bot.services.sip2.client import Sip2Client, Sip2Config
from bot.services.sip2.profile import Locations
from bot.services.sql.session import SqlStore
from bot.settings import Settings


def sip2_circulation(settings: Settings, store: SqlStore) -> Circulation:
    """The ILS at SIP2_HOST:SIP2_PORT; conversation state stays in store's database."""
    client = Sip2Client(Sip2Config(
        host=settings.sip2_host, port=settings.sip2_port, user=settings.sip2_user,
        password=settings.sip2_password, institution=settings.sip2_institution,
        location=settings.sip2_location, encoding=settings.sip2_encoding,
        timeout=settings.sip2_timeout_seconds, pool_size=settings.sip2_pool_size,
    ))
    return Sip2Circulation(store, client, Locations.parse(settings.sip2_locations))
