"""The inbox: every update is kept on disk before Telegram is told it arrived, until it is answered.

python-telegram-bot confirms a polling batch (the next ``getUpdates`` offset) before its handlers
run, and a webhook answers 200 before them; a crash in between lost the questions for good. So the
update is written here first (:class:`bot.telegram.intake.DurableUpdateQueue`), marked done once its
handlers have replied, and whatever is still pending at the next start is answered first.

:class:`Inbox` is the interface; :class:`SqliteInbox` keeps it in one SQLite file in WAL mode
(``DATA_DIR/inbox.sqlite3``), which survives a killed process (a commit is in the WAL before
``add`` returns). A shared implementation for several replicas can take its place.

Privacy: a pending row holds the update as Telegram sent it (message text included) until it is
answered; then the payload is erased and only the update id is kept, to recognise a resend.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)

INBOX_FILE = "inbox.sqlite3"
# Answered update ids are kept this long, so that a resend of one (a webhook retried after a
# crash) is recognised; Telegram itself keeps an unconfirmed update for 24 hours.
KEEP_DONE_SECONDS = 24 * 3600.0
KEEP_DONE_ROWS = 100_000
# Pruning runs after this many updates are marked done (a DELETE per answer would be waste).
PRUNE_EVERY = 1000


@dataclass(frozen=True)
class PendingUpdate:
    """An update received and not yet answered: its id, Telegram's JSON, when it arrived."""

    update_id: int
    payload: str
    received_at: float


class Inbox(Protocol):
    """Durable storage of received updates until they are answered."""

    def add(self, update_id: int, payload: str) -> bool:
        """Keep an update durably; False when this update id was received before (a resend)."""
        ...

    def done(self, update_ids: Sequence[int]) -> None:
        """Mark updates answered (their payload is erased)."""
        ...

    def pending(self) -> list[PendingUpdate]:
        """The updates not yet answered, oldest first."""
        ...

    def expire(self, max_age: float) -> int:
        """Give up on pending updates older than ``max_age`` seconds; how many there were."""
        ...

    def depth(self) -> int:
        """How many updates are waiting to be answered."""
        ...

    @property
    def durable(self) -> bool:
        """Whether what is added survives the process (False: kept in memory only)."""
        ...

    def close(self) -> None: ...


class SqliteInbox:
    """The inbox in one SQLite file (or in memory with ``path=None``: not crash-safe)."""

    def __init__(self, path: Path | None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
        # Handlers run on the event loop, which is one thread; the lock is for the odd caller
        # from a worker thread (the check_same_thread=False connection is shared).
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path), check_same_thread=False, isolation_level=None
        )
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit is in the WAL when it returns, so a killed process loses nothing;
            # only a power cut between checkpoints could (FULL would fsync every update).
            self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS inbox ("
            " update_id INTEGER PRIMARY KEY,"
            " payload TEXT,"
            " received_at REAL NOT NULL,"
            " done_at REAL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS inbox_open ON inbox(done_at, update_id)")
        self._depth = self._count_pending()
        self._since_prune = 0

    @property
    def durable(self) -> bool:
        return self.path is not None

    def _count_pending(self) -> int:
        return self._db.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]

    def add(self, update_id: int, payload: str) -> bool:
        with self._lock:
            added = self._db.execute(
                "INSERT OR IGNORE INTO inbox(update_id, payload, received_at) VALUES (?, ?, ?)",
                (update_id, payload, self.clock()),
            ).rowcount
            self._depth += added
            return bool(added)

    def done(self, update_ids: Sequence[int]) -> None:
        if not update_ids:
            return
        with self._lock:
            now = self.clock()
            marks = ",".join("?" * len(update_ids))
            changed = self._db.execute(
                f"UPDATE inbox SET done_at = ?, payload = NULL "
                f"WHERE done_at IS NULL AND update_id IN ({marks})",
                (now, *update_ids),
            ).rowcount
            self._depth -= changed
            self._since_prune += changed
            if self._since_prune >= PRUNE_EVERY:
                self._prune(now)

    def _prune(self, now: float) -> None:
        """Forget answered ids past their keeping time, and past the newest KEEP_DONE_ROWS."""
        self._since_prune = 0
        self._db.execute(
            "DELETE FROM inbox WHERE done_at IS NOT NULL AND done_at < ?",
            (now - KEEP_DONE_SECONDS,),
        )
        self._db.execute(
            "DELETE FROM inbox WHERE done_at IS NOT NULL AND update_id < ("
            " SELECT update_id FROM inbox WHERE done_at IS NOT NULL"
            " ORDER BY update_id DESC LIMIT 1 OFFSET ?)",
            (KEEP_DONE_ROWS - 1,),
        )

    def pending(self) -> list[PendingUpdate]:
        with self._lock:
            rows = self._db.execute(
                "SELECT update_id, payload, received_at FROM inbox "
                "WHERE done_at IS NULL ORDER BY update_id"
            ).fetchall()
        return [PendingUpdate(*row) for row in rows]

    def expire(self, max_age: float) -> int:
        with self._lock:
            now = self.clock()
            expired = self._db.execute(
                "UPDATE inbox SET done_at = ?, payload = NULL "
                "WHERE done_at IS NULL AND received_at < ?",
                (now, now - max_age),
            ).rowcount
            self._depth -= expired
            return expired

    def depth(self) -> int:
        return self._depth

    def close(self) -> None:
        with self._lock:
            self._db.close()  # closing twice is harmless


def open_inbox(data_dir: Path, *, clock: Callable[[], float] = time.time) -> SqliteInbox:
    """The inbox under ``data_dir``; in memory, with a one-line warning, if that folder cannot
    hold it (read-only, full, a corrupt file): the bot keeps answering, not crash-safe."""
    path = data_dir / INBOX_FILE
    try:
        inbox = SqliteInbox(path, clock=clock)
        inbox.pending()  # reads the table: a corrupt file fails here, not on the first update
        return inbox
    except (OSError, sqlite3.Error) as exc:
        log.warning(
            "The inbox cannot be kept in %s (%s); questions are kept in memory only and a crash "
            "would lose those not yet answered. Fix DATA_DIR (writable, not full) and restart.",
            path,
            getattr(exc, "strerror", None) or type(exc).__name__,
        )
        return SqliteInbox(None, clock=clock)
