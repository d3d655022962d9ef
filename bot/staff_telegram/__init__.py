"""The staff bot: librarians take and answer readers' tickets from Telegram groups.

``python -m bot.staff_telegram`` (token TELEGRAM_STAFF_BOT_TOKEN, groups
TELEGRAM_STAFF_CHAT_IDS) runs two loops:

- the feed (feed.py) posts every new ticket line into each allow-listed chat: a new
  ticket with the conversation so far and a "接单" button, then the reader's messages,
  web-desk answers, notes and status changes as replies to the ticket's post; a cursor
  in the database makes a restarted bot resume where it stopped;
- polling (commands.py) takes the librarians' actions: the claim button, a reply to any
  of a ticket's posts (answers the reader), /reply, /close, /queue.

Updates from chats not on the allow-list are refused.
"""
