"""Logging that keeps health data and secrets out: no message text, no raw user ids, no token.

The code never logs message text or user ids at INFO and above; on top of that, a filter removes
the bot token (and any configured secret) from every record, because libraries log request URLs
(httpx logs ``https://api.telegram.org/bot<token>/...`` at INFO), and those loggers are held at
WARNING.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterable

NOISY_LOGGERS = (
    "httpx",
    "httpcore",
    "telegram.ext.Updater",
    "apscheduler",
    "tornado.access",
    "aiohttp.access",
    "faiss.loader",
    "bm25s",
    "sentence_transformers",
    "transformers",
)


class RedactSecrets(logging.Filter):
    """Replace secrets in a record's message and arguments with ``[REDACTED]``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "[REDACTED]")
            record.msg, record.args = message, ()
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            if any(secret in text for secret in self.secrets):
                for secret in self.secrets:
                    text = text.replace(secret, "[REDACTED]")
                record.exc_info, record.exc_text = None, text
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message (and the exception, if any)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def console_logging() -> None:
    """For the one-shot commands: quotebot's own notices (such as a model export) on stderr."""
    logger = logging.getLogger("bot")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("quotebot: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def configure_logging(
    level: str = "INFO", *, secrets: Iterable[str] = (), json_format: bool = False
) -> None:
    bot_logger = logging.getLogger("bot")  # undo console_logging: the root handler takes over
    bot_logger.handlers.clear()
    bot_logger.setLevel(logging.NOTSET)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter()
        if json_format
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
