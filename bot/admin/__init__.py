"""Staff web console (Chinese) for the FAQ knowledge base: editing, review, history,
audit log, import/export and the unanswered-questions inbox.

``python -m bot.admin`` serves it on LIBRARY_HOST:ADMIN_PORT against LIBRARY_DATABASE_URL.
"""
