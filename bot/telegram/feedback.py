"""👍 / 👎 feedback in a SQLite file: passage ids, rating, time, a salted hash of the user id.

Never the message text and never the raw user id: the salt is secret and stays in the data
directory (or FEEDBACK_SALT), so the hashes cannot be turned back into Telegram ids.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import os
import secrets
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

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
    ) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._salt = salt
        self._clock = clock
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._connection.execute("PRAGMA journal_mode=WAL")
        self._connection.execute(SCHEMA)

    def user_hash(self, user_id: int) -> str:
        return hmac.new(self._salt, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    def record(self, user_id: int, rating: int, passage_ids: Sequence[str]) -> None:
        ids = ",".join(passage_ids)
        with self._lock:
            self._connection.execute(
                "INSERT INTO feedback (created_at, rating, passage_ids, user_hash) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (user_hash, passage_ids) DO UPDATE SET rating = excluded.rating, "
                "created_at = excluded.created_at",
                (self._clock().isoformat(timespec="seconds"), rating, ids, self.user_hash(user_id)),
            )

    def rows(self) -> list[tuple]:
        with self._lock:
            return self._connection.execute(
                "SELECT created_at, rating, passage_ids, user_hash FROM feedback ORDER BY id"
            ).fetchall()

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._connection.close()


def load_salt(data_dir: Path, configured: str | None = None) -> bytes:
    """FEEDBACK_SALT if set, else a random salt kept in ``data_dir/feedback.salt`` (mode 0600)."""
    if configured:
        return configured.encode()
    path = data_dir / "feedback.salt"
    if path.exists():
        return path.read_bytes()
    data_dir.mkdir(parents=True, exist_ok=True)
    salt = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(salt)
    return salt
