"""Notice a new index built beside a running bot, and load it in the background.

`quotebot index build` (in any process) writes a new generation and then replaces ``manifest.json``
with one rename (:mod:`bot.retrieval.index_build`). Watching that one file is enough: a stat every
few seconds (microseconds) tells a new build from the one being served by its inode, size and
modification time. A new manifest is loaded and checked in full — files, checksums, every passage
against the corpus text — in this thread; only an index that passes is handed on, so the bot never
serves half an index, and one that fails is reported once and the old index keeps serving.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from bot.errors import IndexUnusableError
from bot.retrieval.index_store import MANIFEST, PassageIndex

log = logging.getLogger(__name__)

Stamp = tuple[int, int, int] | None


def manifest_stamp(index_dir: Path) -> Stamp:
    """What tells one build's manifest from another's, without reading it (None: there is none)."""
    try:
        facts = os.stat(index_dir / MANIFEST)
    except OSError:
        return None
    return (facts.st_ino, facts.st_size, facts.st_mtime_ns)


class IndexWatcher:
    """Looks at the manifest every ``interval`` seconds; a new build is loaded with ``load`` and
    given to ``on_loaded``, or its error to ``on_refused``. ``on_tick`` runs on every look."""

    def __init__(
        self,
        index_dir: Path,
        load: Callable[[], PassageIndex],
        on_loaded: Callable[[PassageIndex], None],
        on_refused: Callable[[IndexUnusableError], None],
        *,
        interval: float,
        served: Stamp,
        on_tick: Callable[[], None] | None = None,
    ) -> None:
        self.index_dir = index_dir
        self.load = load
        self.on_loaded = on_loaded
        self.on_refused = on_refused
        self.on_tick = on_tick
        self.interval = interval
        self.seen = served  # the manifest last loaded or refused: not tried again
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def check(self) -> bool:
        """One look: True when a new index was loaded and handed on."""
        if self.on_tick is not None:
            self.on_tick()
        stamp = manifest_stamp(self.index_dir)
        if stamp is None or stamp == self.seen:
            return False
        # Remembered before loading: a build that finishes while this one loads is seen next time.
        self.seen = stamp
        try:
            index = self.load()
        except IndexUnusableError as exc:
            self.on_refused(exc)
            return False
        self.on_loaded(index)
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="index-watch", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:  # the watch must outlive any one bad look; the old index serves on
                log.exception("Looking for a new index failed; trying again.")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
