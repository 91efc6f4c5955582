"""👍 / 👎 feedback in a SQLite file: passage ids, rating, time, a salted hash of the user id.

Never the message text and never the raw user id: the salt is secret (see
:mod:`bot.telegram.feedback_salt`), so the hashes cannot be turned back into Telegram ids. Feedback
is optional: a data folder that cannot be used turns it off (:func:`open_feedback` says why) and
the bot answers without rating buttons.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

from bot.errors import FeedbackError
from bot.telegram.callback_data import MAX_RATED_QUOTES, PASSAGE_ID_CHARS
from bot.telegram.feedback_salt import load_salt

logger = logging.getLogger(__name__)
DATABASE_FILE = "feedback.sqlite3"
_PASSAGE_ID = re.compile(rf"[0-9a-f]{{1,{PASSAGE_ID_CHARS}}}")

SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    passage_ids TEXT NOT NULL,
    user_hash TEXT NOT NULL,
    UNIQUE (user_hash, passage_ids)
)
"""


class FeedbackStore:
    """Where ratings go; one row per user and answer (a second press replaces the first)."""

    def __init__(
        self,
        path: Path,
        salt: bytes,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        *,
        create: bool = True,
    ) -> None:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._salt = salt
        self._clock = clock
        self._lock = threading.Lock()
        # mode=rw: only open what exists (``create`` False), so that a check creates nothing
        mode = "rwc" if create else "rw"
        self._connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode={mode}",
            uri=True,
            check_same_thread=False,
            isolation_level=None,
        )
        try:
            self._connection.execute("PRAGMA journal_mode=WAL")
            self._connection.execute(SCHEMA)
            # Take the write lock and give it back: a read-only file or folder fails here, at
            # start, rather than at the first press.
            self._connection.execute("BEGIN IMMEDIATE")
            self._connection.execute("ROLLBACK")
        except sqlite3.Error:
            self._connection.close()
            raise

    def button_key(self) -> bytes:
        """The key that seals rating buttons (see callback_data): from the salt, so as secret and
        as stable, yet not the salt itself."""
        return hmac.new(self._salt, b"quotebot rating buttons", hashlib.sha256).digest()

    def user_hash(self, user_id: int) -> str:
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record(self, user_id: int, rating: int, passage_ids: Sequence[str]) -> bool:
        """Store a rating; False when the database refuses it (the press is then only thanked)."""
        if (
            rating not in (-1, 1)
            or not 0 < len(passage_ids) <= MAX_RATED_QUOTES
            or not all(_PASSAGE_ID.fullmatch(pid) for pid in passage_ids)
        ):
            raise ValueError("not a rating of at most 3 passage ids")
        ids = ",".join(passage_ids)
        try:
            with self._lock:
                self._connection.execute(
                    "INSERT INTO feedback (created_at, rating, passage_ids, user_hash) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT (user_hash, passage_ids) DO UPDATE SET "
                    "rating = excluded.rating, created_at = excluded.created_at",
                    (
                        self._clock().isoformat(timespec="seconds"),
                        rating,
                        ids,
                        self.user_hash(user_id),
                    ),
                )
        except sqlite3.Error as exc:
            logger.warning("A rating could not be stored in %s: %s.", self.path, exc)
            return False
        return True

    def rows(self) -> list[tuple]:
        with self._lock:
            return self._connection.execute(
                "SELECT created_at, rating, passage_ids, user_hash FROM feedback ORDER BY id"
            ).fetchall()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()


def open_feedback(
    data_dir: Path,
    *,
    salt: str | None = None,
    salt_file: Path | None = None,
    create: bool = True,
) -> FeedbackStore:
    """The feedback store in ``data_dir``, its salt checked and its database writable; a
    FeedbackError naming the file and the fix when the folder cannot be used (a ConfigError when
    FEEDBACK_SALT_FILE cannot be). With ``create`` False nothing is made: the check of
    `quotebot health`."""
    secret = load_salt(data_dir, salt, salt_file, create=create)
    path = data_dir / DATABASE_FILE
    try:
        return FeedbackStore(path, secret, create=create)
    except (OSError, sqlite3.Error) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise FeedbackError(
            f"cannot use {path} ({reason}); give the bot write access to DATA_DIR, or move the "
            "file aside if it is damaged (a new one is made at the next start)."
        ) from exc
