"""Rasa input channels of the library (loaded by the Rasa server from credentials.yml)."""
