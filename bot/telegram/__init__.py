"""The Telegram channel: the python-telegram-bot Application, handlers, button data, rate limit, feedback."""
