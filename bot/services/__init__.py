"""Library services behind a small interface (catalogue, circulation, spaces and
events, branches and hours). Actions use only `bot.services.interface`; the embedded
implementation in `bot.services.sql` is the SQL database, and a library can put its
own integrated library system behind the same interface (docs/ils-integration.md).
"""
