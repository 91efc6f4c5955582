"""Renderers: one Answer, three forms (Telegram HTML, plain text, JSON)."""
