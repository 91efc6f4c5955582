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

import contextlib
import logging
import os
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
# Seconds a write waits for a lock another process holds (it blocks the event loop meanwhile).
BUSY_TIMEOUT = 1.0
WAL_LIMIT_BYTES = 4 * 1024 * 1024
# Telegram's update ids are positive and fit SQLite's 64-bit integers.
MAX_UPDATE_ID = 2**63 - 1


def check_update_id(update_id: object) -> None:
    """A ValueError unless ``update_id`` is a whole number Telegram could have sent."""
    if type(update_id) is not int or not 0 <= update_id <= MAX_UPDATE_ID:
        raise ValueError("an update_id must be a whole number from 0 to 2**63 - 1")


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
    """The inbox in one SQLite file (or in memory with ``path=None``: not crash-safe).

    A write that fails while serving (the disk full, the file locked by another process for
    longer than BUSY_TIMEOUT) does not stop the bot: the update is kept in memory meanwhile
    (counted, and ``durable`` is False, which `quotebot health` shows), and written to the file
    at the next write that succeeds. Telegram's confirmation does not wait for it: a question
    is answered rather than held back by a full disk.
    """

    def __init__(self, path: Path | None, *, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Message text waits here: readable by the bot's user only (SQLite gives its -wal and
            # -shm files the database file's mode).
            os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
        # Handlers run on the event loop, which is one thread; the lock is for the odd caller
        # from a worker thread (the check_same_thread=False connection is shared).
        self._lock = threading.Lock()
        self._db = sqlite3.connect(
            ":memory:" if path is None else str(path),
            check_same_thread=False,
            isolation_level=None,
            timeout=BUSY_TIMEOUT,
        )
        if path is not None:
            self._db.execute("PRAGMA journal_mode=WAL")
            # NORMAL: a commit is in the WAL when it returns, so a killed process loses nothing;
            # only a power cut between checkpoints could (FULL would fsync every update).
            self._db.execute("PRAGMA synchronous=NORMAL")
            # An answered update's text is overwritten, not left in free pages.
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.execute(f"PRAGMA journal_size_limit={WAL_LIMIT_BYTES}")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS inbox ("
            " update_id INTEGER PRIMARY KEY CHECK (typeof(update_id) = 'integer'),"
            " payload TEXT,"
            " received_at REAL NOT NULL,"
            " done_at REAL)"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS inbox_open ON inbox(done_at, update_id)")
        self._depth = self._count_pending()
        self._since_prune = 0
        self._truncated_at = 0.0
        # While the file cannot be written: updates kept in memory, and ids answered but not
        # yet marked in the file.
        self._spilled: dict[int, tuple[str, float]] = {}
        self._unmarked: set[int] = set()
        self.failing: str | None = None

    @property
    def durable(self) -> bool:
        return self.path is not None and self.failing is None

    def _count_pending(self) -> int:
        return self._db.execute("SELECT count(*) FROM inbox WHERE done_at IS NULL").fetchone()[0]

    def add(self, update_id: int, payload: str) -> bool:
        check_update_id(update_id)
        with self._lock:
            if update_id in self._spilled:
                return False
            now = self.clock()
            try:
                self._recover(now)
                added = self._db.execute(
                    "INSERT OR IGNORE INTO inbox(update_id, payload, received_at) VALUES (?, ?, ?)",
                    (update_id, payload, now),
                ).rowcount
            except sqlite3.Error as exc:
                self._fail(exc)
                self._spilled[update_id] = (payload, now)
                added = 1
            self._depth += added
            return bool(added)

    def done(self, update_ids: Sequence[int]) -> None:
        if not update_ids:
            return
        with self._lock:
            now = self.clock()
            stored = [i for i in update_ids if self._spilled.pop(i, None) is None]
            self._depth -= len(update_ids) - len(stored)
            try:
                self._recover(now)
                changed = self._mark_done(stored, now)
            except sqlite3.Error as exc:
                self._fail(exc)
                self._unmarked.update(stored)
                self._depth -= len(stored)
                return
            self._depth -= changed
            self._since_prune += changed
            if self._since_prune >= PRUNE_EVERY:
                self._prune(now)
            if self._depth == 0 and self.path is not None and now - self._truncated_at > 10:
                # Nothing waits: empty the write-ahead log, where answered text could linger.
                self._truncated_at = now
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _mark_done(self, update_ids: Sequence[int], now: float) -> int:
        if not update_ids:
            return 0
        marks = ",".join("?" * len(update_ids))
        return self._db.execute(
            f"UPDATE inbox SET done_at = ?, payload = NULL "
            f"WHERE done_at IS NULL AND update_id IN ({marks})",
            (now, *update_ids),
        ).rowcount

    def _fail(self, exc: sqlite3.Error) -> None:
        if self.failing is None:
            log.error(
                "The inbox cannot write to %s (%s); updates are kept in memory until it can, and "
                "a crash meanwhile would lose them. Free space in DATA_DIR, or stop what holds the "
                "file.",
                self.path,
                type(exc).__name__,
            )
        self.failing = type(exc).__name__

    def _recover(self, now: float) -> None:
        """Write what waited in memory while the file could not be written (raises if it still
        cannot)."""
        if self.failing is None:
            return
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR IGNORE INTO inbox(update_id, payload, received_at) VALUES (?, ?, ?)",
                [(i, payload, at) for i, (payload, at) in self._spilled.items()],
            )
            self._mark_done(sorted(self._unmarked), now)
            self._db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                self._db.execute("ROLLBACK")
            raise
        self._depth = self._count_pending()
        self._spilled.clear()
        self._unmarked.clear()
        self.failing = None
        log.warning("The inbox is written to %s again.", self.path)

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
            rows = [row for row in rows if row[0] not in self._unmarked]
            rows += [(i, payload, at) for i, (payload, at) in self._spilled.items()]
        return sorted((PendingUpdate(*row) for row in rows), key=lambda p: p.update_id)

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
            # What waited in memory is written now if the file takes it (else it is lost with the
            # process, as it would be in a crash; the ERROR line said so).
            with contextlib.suppress(sqlite3.Error):
                self._recover(self.clock())
            self._db.close()  # closing twice is harmless


def open_inbox(data_dir: Path, *, clock: Callable[[], float] = time.time) -> SqliteInbox:
    """The inbox under ``data_dir``. A damaged inbox file is moved aside (its questions cannot be
    read; one error line says so) and a new one started. If the folder cannot hold a file at all
    (read-only, full, not a folder), the inbox is kept in memory, with a one-line warning: the bot
    keeps answering, not crash-safe."""
    path = data_dir / INBOX_FILE
    for attempt in range(2):
        try:
            inbox = SqliteInbox(path, clock=clock)
            inbox.pending()  # reads the table: a damaged file fails here, not on the first update
            return inbox
        except sqlite3.DatabaseError as exc:
            if attempt or not _move_aside(path, clock()):
                reason = type(exc).__name__
                break
        except OSError as exc:
            reason = exc.strerror or type(exc).__name__
            break
    log.warning(
        "The inbox cannot be kept in %s (%s); questions are kept in memory only and a crash "
        "would lose those not yet answered. Fix DATA_DIR (writable, not full) and restart.",
        path,
        reason,
    )
    return SqliteInbox(None, clock=clock)


def _move_aside(path: Path, now: float) -> bool:
    """Move a damaged inbox file (and its -wal and -shm) out of the way; False if it cannot be."""
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now))
    try:
        for suffix in ("", "-wal", "-shm"):
            part = path.with_name(path.name + suffix)
            if part.exists():
                part.rename(part.with_name(f"{part.name}.damaged-{stamp}"))
    except OSError:
        return False
    log.error(
        "The inbox file %s was damaged and is moved aside as %s.damaged-%s; the questions it held "
        "cannot be read. A new inbox is started.",
        path,
        path.name,
        stamp,
    )
    return True
