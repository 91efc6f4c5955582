"""Logging that keeps health data and secrets out: no message text, no raw user ids, no token.

quotebot's own code never logs message text or user ids, at any level. The libraries that carry
Telegram's traffic do, at DEBUG (python-telegram-bot logs whole updates and request parameters,
httpx and httpcore the requests), and python-telegram-bot logs an update it cannot parse at
CRITICAL with its text. So, at every LOG_LEVEL: those loggers are held at INFO or WARNING, and a
filter rewrites what they do log without its arguments and exception messages (the format string
and the exception's type stay). A second filter removes the bot token (and any configured secret)
from every record, because libraries log request URLs (httpx logs
``https://api.telegram.org/bot<token>/...``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
import traceback
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

# Loggers that carry Telegram's traffic, whose records may hold updates or request bodies.
PAYLOAD_LOGGERS = ("telegram", "httpx", "httpcore", "tornado", "aiohttp")
# The least severe level they may log at, whatever LOG_LEVEL says.
PAYLOAD_LOGGER_FLOOR = {"telegram": logging.INFO, "tornado": logging.INFO}


class WithholdPayloads(logging.Filter):
    """Rewrite records of :data:`PAYLOAD_LOGGERS` without their arguments (``%s`` becomes
    ``<dict>``, ``<Update>``…), and every record's exception with its type and stack only, not
    its message."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "withheld", False):
            return True
        # Any logger's exception: its message can quote what was received (a Bot API error
        # description, a key of a message), quotebot's own handlers' included.
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = _without_messages(record.exc_info[1])
            record.exc_info = None
        if not record.name.startswith(PAYLOAD_LOGGERS):
            return True
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            withheld = tuple(f"<{type(arg).__name__}>" for arg in args)
            try:
                record.msg = str(record.msg) % withheld
            except (TypeError, ValueError):  # a %d or a mapping: keep the words only
                record.msg = f"{record.msg} [arguments withheld]"
            record.args = ()
        record.withheld = True
        return True


def _without_messages(error: BaseException) -> str:
    """A traceback of ``error`` and its causes whose lines name each exception's type only (their
    messages can quote what was received)."""
    chain: list[BaseException] = []
    while error is not None and error not in chain and len(chain) < 5:
        chain.append(error)
        error = error.__cause__ or error.__context__
    parts = []
    for link in reversed(chain):
        kind = type(link)
        parts.append(
            "Traceback (most recent call last):\n"
            + "".join(traceback.format_tb(link.__traceback__))
            + f"{kind.__module__}.{kind.__qualname__} (message withheld)"
        )
    return "\n\nDuring handling, another exception occurred:\n\n".join(parts)


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
    handler.addFilter(WithholdPayloads())
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    wanted = logging.getLevelName(level)
    for name in NOISY_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, wanted))
    for name, floor in PAYLOAD_LOGGER_FLOOR.items():
        logging.getLogger(name).setLevel(max(floor, wanted))
