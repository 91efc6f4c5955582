"""The corpus as it was indexed: each file's text, kept in the index generation, that quotes are
checked against.

A passage is only ever quoted if its text is exactly ``snapshot[source_path][start:end]``. The
snapshot is tied to the manifest twice: its file's sha256 is in the manifest's file list, and each
text's sha256 must be the one the manifest records for that corpus file, which is in turn compared
with the corpus directory (a difference makes the index *stale*, never silently trusted). So an
edited passage with checksums made to agree is refused, and rewriting the snapshot to match it
shows up as a changed corpus file, named in the start-up warning, `index info` and `health`.

Keeping the text in the generation (rather than re-reading the corpus directory) is what lets the
last good index keep serving, still checked, after the corpus has changed under it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import REBUILD_HINT, IndexCorruptError
from bot.ingest.passages import Passage

SNAPSHOT_FILE = "corpus.jsonl"


@dataclass(frozen=True)
class CorpusSnapshot:
    """The text of every indexed corpus file, by its path relative to the corpus directory."""

    texts: Mapping[str, str]
    # Passages not to be quoted whatever their text: an edited file no longer shows them under the
    # title and headings they were indexed with (:func:`bot.retrieval.index_derivation.unsaid_now`).
    withdrawn: frozenset[str] = frozenset()
    # Passages already reported as not verbatim (bounded), so that a stale corpus is not one
    # warning per answer.
    _reported: set = field(default_factory=set, compare=False, repr=False)

    def first_report(self, key: object) -> bool:
        """True the first time ``key`` is reported."""
        if key in self._reported:
            return False
        if len(self._reported) >= 10_000:
            self._reported.clear()
        self._reported.add(key)
        return True

    def write(self, path: Path) -> None:
        """One JSON line per file, in path order."""
        with open(path, "w", encoding="utf-8") as handle:
            for source_path in sorted(self.texts):
                record = {"source_path": source_path, "text": self.texts[source_path]}
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, path: Path) -> CorpusSnapshot:
        texts: dict[str, str] = {}
        try:
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    if line.strip():
                        record = json.loads(line)
                        texts[str(record["source_path"])] = str(record["text"])
        except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
            raise IndexCorruptError(f"{path} cannot be read; {REBUILD_HINT}.") from exc
        return cls(texts)

    def disagreement(self, corpus_files: Mapping[str, str]) -> str | None:
        """None when the snapshot holds exactly the files the manifest records, each with the
        recorded sha256; else what differs (file names only)."""
        if set(self.texts) != set(corpus_files):
            odd = sorted(set(self.texts) ^ set(corpus_files))
            return f"the indexed corpus text and the manifest list different files ({odd[0]})"
        for source_path, text in self.texts.items():
            if text_sha256(text) != corpus_files[source_path]:
                return f"the indexed text of {source_path} is not the file the manifest records"
        return None

    def misquote(self, passages: Iterable[Passage]) -> str | None:
        """None when every passage (and every sentence of it) is its file's exact text; else
        which passage is not (its id and file, never its text)."""
        for row, passage in enumerate(passages):
            if not self.is_verbatim(passage.source_path, passage.start, passage.end, passage.text):
                return (
                    f"passage {row} ({passage.id} of {passage.source_path}) is not the text of "
                    "its article"
                )
            previous = passage.start
            for start, end in passage.sentences:
                if not previous <= start < end <= passage.end:
                    return f"passage {row} ({passage.id} of {passage.source_path}) has a sentence outside it"
                previous = end
        return None

    def as_corpus_now(
        self, edited: Mapping[str, str], gone: Iterable[str], withdrawn: Iterable[str] = ()
    ) -> CorpusSnapshot:
        """The text quotes are checked against once the corpus has changed since the build: an
        edited file's text as it is now (so a passage is quoted only where the file still says it,
        at the same place), and nothing of a file removed or no longer readable. An index whose
        passages *and* stored text were both rewritten, checksums and all, is thus still never
        quoted: the file on disk does not say it. Nor is a ``withdrawn`` passage (by id)."""
        gone = set(gone)
        texts = {
            path: edited.get(path, text) for path, text in self.texts.items() if path not in gone
        }
        return CorpusSnapshot(texts, frozenset(withdrawn))

    def may_quote(
        self, passage_ids: Iterable[str], source_path: str, start: int, end: int, text: str
    ) -> bool:
        """Whether a quote of these passages may be shown: it is exactly ``[start:end]`` of the
        file, and none of its passages is withdrawn."""
        return self.withdrawn.isdisjoint(passage_ids) and self.is_verbatim(
            source_path, start, end, text
        )

    def is_verbatim(self, source_path: str, start: int, end: int, text: str) -> bool:
        """Whether ``text`` is exactly ``[start:end]`` of the indexed file ``source_path``."""
        source = self.texts.get(source_path)
        return (
            source is not None
            and 0 <= start <= end <= len(source)
            and end - start == len(text)
            and source[start:end] == text
        )


def text_sha256(text: str) -> str:
    """The sha256 of a corpus file whose text this is (UTF-8 round-trips its bytes exactly)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
