"""Custom actions run by the Rasa action server (`python -m bot.action_server`)."""
