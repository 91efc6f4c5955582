"""The index a running quotebot answers from, as an operator sees it: whether the corpus has moved
on since it was built, and the swap to an index built beside the running bot.

A corpus that differs from the index (a file added, edited, or one the build cannot read) makes the
index *stale*, never unusable: it keeps serving what the corpus still says (a passage of an edited
file where the file still has its text; nothing of a file removed or unreadable), and says so
once per change — a WARNING naming the files and the command (names only, never their text), the
``quotebot_index_stale`` metric, and the state file `quotebot health` reads. A new build noticed by
:class:`bot.retrieval.index_watch.IndexWatcher` is made into a :class:`CorpusView` in the watcher's
thread and swapped into the pipeline in one assignment; a new build that fails the checks is
refused with a warning, and the old index keeps serving.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from bot.answering.corpus_view import CorpusView
from bot.answering.pipeline import AnswerPipeline
from bot.errors import REBUILD_HINT, IndexUnusableError
from bot.ops.health import write_index_state
from bot.ops.metrics import Metrics
from bot.retrieval.corpus_changes import CorpusChanges, corpus_changes, corpus_signature
from bot.retrieval.index_store import PassageIndex
from bot.retrieval.index_watch import IndexWatcher, Stamp

log = logging.getLogger(__name__)


class ServedIndex:
    """Staleness of the index being served, and its replacement by a newer one."""

    def __init__(
        self,
        corpus_dir: Path,
        data_dir: Path,
        metrics: Metrics,
        *,
        max_file_bytes: int,
    ) -> None:
        self.corpus_dir = corpus_dir
        self.data_dir = data_dir
        self.metrics = metrics
        self.max_file_bytes = max_file_bytes
        self.changes: CorpusChanges | None = None  # of the index served, when last looked at
        self._seen: tuple | None = None
        self._recording = False  # the state file is written only by a bot that is running

    def check_corpus(self, index: PassageIndex) -> CorpusChanges:
        """How the corpus differs from what ``index`` was built from; said once per change.
        Cheap when nothing changed: the corpus files are read only when a stat of them differs."""
        # The index object itself, not its build time: two builds can share a second.
        seen = (index, corpus_signature(self.corpus_dir))
        if self._seen is not None and seen[0] is self._seen[0] and seen[1] == self._seen[1]:
            return self.changes
        changes = corpus_changes(index.manifest.corpus_files, self.corpus_dir, self.max_file_bytes)
        was_stale = bool(self.changes)
        self._seen, self.changes = seen, changes
        if changes:
            log.warning(
                "The corpus has changed since the index was built (%s); serving the index built "
                "%s until you %s.",
                changes,
                index.manifest.built_at,
                REBUILD_HINT,
            )
        elif was_stale:
            log.info("The index being served is up to date with the corpus again.")
        self.metrics.index_stale.set(1 if changes else 0)
        self._record()
        return changes

    def _recheck(self, pipeline: AnswerPipeline) -> None:
        """Look at the corpus again; when it changed, quotes are checked against it as it is now."""
        before = self.changes
        changes = self.check_corpus(pipeline.corpus.retriever.index)
        if changes is not before:
            pipeline.swap(pipeline.corpus.checked_against(changes))

    def _record(self) -> None:
        if not self._recording or self.changes is None:
            return
        stale = bool(self.changes)
        detail = f"{self.changes}; {REBUILD_HINT}" if stale else ""
        try:
            write_index_state(self.data_dir, "stale" if stale else "ok", detail)
        except OSError as exc:
            log.warning("Cannot record the index state in %s: %s.", self.data_dir, exc.strerror)

    def watch(
        self,
        pipeline: AnswerPipeline,
        index_dir: Path,
        load: Callable[[], PassageIndex],
        make_view: Callable[[PassageIndex], CorpusView],
        *,
        served: Stamp,
        interval: float,
    ) -> IndexWatcher | None:
        """Record the state for `quotebot health`; with an ``interval``, start the watcher that
        swaps a newly built index into ``pipeline`` (the caller closes it)."""
        self._recording = True
        self._record()
        if not interval:
            return None

        def serve(index: PassageIndex) -> None:
            pipeline.swap(make_view(index))
            self.metrics.index_reloads.labels(outcome="loaded").inc()
            log.info(
                "Serving the new index: %d passages from %d files, built %s.",
                len(index),
                len(index.manifest.corpus_files),
                index.manifest.built_at,
            )
            self.check_corpus(index)

        def refuse(error: IndexUnusableError) -> None:
            self.metrics.index_reloads.labels(outcome="refused").inc()
            log.warning(
                "A new index was refused (%s); the index built %s keeps serving.",
                error,
                pipeline.corpus.retriever.index.manifest.built_at,
            )

        watcher = IndexWatcher(
            index_dir,
            load,
            serve,
            refuse,
            interval=interval,
            served=served,
            on_tick=lambda: self._recheck(pipeline),
        )
        watcher.start()
        return watcher
