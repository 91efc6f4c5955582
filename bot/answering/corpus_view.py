"""What the pipeline quotes from: one index generation's retriever, its articles, the subjects
they mention, and the corpus text as indexed (each quote is checked against it before it is shown).

The parts belong together: a retriever of one build with the articles of another would cite the
wrong sources. The pipeline holds one view and replaces it whole, with one assignment, when a new
index has been loaded and checked (:meth:`bot.system.System.watch_index`); a batch reads the view once,
so it is answered entirely from the old index or entirely from the new one.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property
from typing import Protocol

from bot.answering.subjects import SubjectCheck
from bot.ingest.corpus import SourceDocument
from bot.retrieval.corpus_changes import CorpusChanges
from bot.retrieval.corpus_snapshot import CorpusSnapshot
from bot.retrieval.index_derivation import unsaid_now
from bot.retrieval.known_unanswered import KnownUnanswered
from bot.retrieval.retrieve import Retriever


class CorpusView:
    """One index generation, as the pipeline answers from it (not changed once made)."""

    def __init__(
        self,
        retriever: Retriever,
        sources: Sequence[SourceDocument],
        subjects: SubjectCheck | None = None,
        snapshot: CorpusSnapshot | None = None,
        unanswered: KnownUnanswered | None = None,
    ) -> None:
        self.retriever = retriever
        self.sources = tuple(sources)  # the articles the index quotes
        self.topics = tuple(document.cited_as for document in self.sources)
        self.documents = {document.doc_id: document for document in self.sources}
        self.subjects = subjects
        self.snapshot = snapshot if snapshot is not None else retriever.index.snapshot
        # Questions known to have no answer in these articles (None or empty: none apply).
        self.unanswered = unanswered

    @cached_property
    def passage_texts(self) -> tuple[str, ...]:
        """The text of every passage of the index, in its order (one tuple per view)."""
        return tuple(passage.text for passage in self.retriever.index.passages)

    def checked_against(self, changes: CorpusChanges | None) -> CorpusView:
        """This view with quotes checked against the corpus as it is now rather than as it was
        indexed, where the corpus has changed since the build (``changes``): their text, and what
        they are shown under (an edited file's title, source and headings)."""
        indexed = self.retriever.index.snapshot
        if indexed is None:
            return self
        snapshot = (
            indexed.as_corpus_now(
                changes.current,
                changes.removed + changes.unreadable,
                unsaid_now(self.retriever.index.passages, self.sources, changes.current),
            )
            if changes
            else indexed
        )
        return CorpusView(self.retriever, self.sources, self.subjects, snapshot, self.unanswered)


class _Serving(Protocol):
    @property
    def sources(self) -> tuple[SourceDocument, ...]: ...


class ServedSources(Sequence[SourceDocument]):
    """The articles of whichever index is being served, read at each use (what /sources lists)."""

    def __init__(self, pipeline: _Serving) -> None:
        self._pipeline = pipeline

    def __getitem__(self, item):
        return self._pipeline.sources[item]

    def __len__(self) -> int:
        return len(self._pipeline.sources)
