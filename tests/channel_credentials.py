"""Credentials of the reader channels in the test session, shared by the session's
assistant (tests/conftest.py) and the channel tests that talk to it."""

from tests.standins.wechat import new_aes_key

TELEGRAM_TOKEN = "111:reader-token"
TELEGRAM_SECRET = "webhook-secret-123"
WECHAT_TOKEN = "jinling-wechat-token"
WECHAT_APP_ID = "wx5f3c2a1b0d9e8f70"
WECHAT_SECRET = "jinling-app-secret"
WECHAT_AES_KEY = new_aes_key()
# The REST channel's bearer token of the session's assistant.
REST_TOKEN = "rest-channel-token-for-tests"
