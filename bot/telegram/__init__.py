"""The Telegram channel: python-telegram-bot Application, handlers, HTML rendering."""
