"""The embedded implementation of the library services: the SQL database (built for
the assistant's processes in bot/wiring.py)."""
