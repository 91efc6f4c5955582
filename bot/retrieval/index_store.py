"""The passage index on disk and loaded: its layout, the checks it must pass, and its status.

Layout of ``INDEX_DIR``::

    manifest.json          what was built, from what, and where its files are (replaced atomically)
    gen-<build id>/        one build: index.faiss and sentences.faiss (vectors), passages.jsonl
                           (text and offsets), corpus.jsonl (the corpus text as it was indexed)

:mod:`bot.retrieval.index_build` writes it; everything here reads it and refuses, with the command
that fixes it, an index that is missing, damaged, built for another model, that lists a file
outside ``INDEX_DIR``, or whose passages are not the exact text of the corpus it was built from
(:mod:`bot.retrieval.corpus_snapshot`), or whose titles, source links and headings are not what
the build's own parsing makes of that text (:mod:`bot.retrieval.index_derivation`). An index older than the corpus still loads: it is *stale*
(:mod:`bot.retrieval.corpus_changes`) and serves only what the corpus still says.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from bot.errors import (
    REBUILD_HINT,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStaleError,
    IndexUnusableError,
)
from bot.ingest.passages import MAX_PASSAGE_TOKENS, Passage
from bot.retrieval.corpus_changes import corpus_changes
from bot.retrieval.corpus_snapshot import SNAPSHOT_FILE, CorpusSnapshot
from bot.retrieval.index_derivation import derivation_mismatch
from bot.retrieval.index_files import files_intact, inside
from bot.retrieval.manifest import Manifest
from bot.settings import DEFAULT_MAX_FILE_BYTES

IndexState = Literal["ok", "missing", "stale", "mismatch", "corrupt"]

# 2: a sentence index beside the passage index; 3: the corpus text as indexed, checked against
FORMAT_VERSION = 3
MANIFEST = "manifest.json"
FAISS_FILE = "index.faiss"
SENTENCES_FILE = "sentences.faiss"
PASSAGES_FILE = "passages.jsonl"
INDEX_FILES = (FAISS_FILE, SENTENCES_FILE, PASSAGES_FILE, SNAPSHOT_FILE)
# How passages are cut and embedded; a change here makes old indexes stale.
CHUNKING = {
    "max_passage_tokens": MAX_PASSAGE_TOKENS,
    "context": "headings",
    "sentences": True,
    "plain_text_headings": True,
    "version": 3,
}
# HNSW graphs (indexes above index_build.HNSW_THRESHOLD passages) are built and searched with these.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 384


class PassageIndex:
    """A loaded index: the passages, their sentences, and a FAISS index of the vectors of each.

    Sentences are stored passage by passage, in reading order: the sentences of passage ``i`` are
    rows ``first_sentence[i]`` to ``first_sentence[i + 1]`` of the sentence index.
    """

    def __init__(
        self,
        manifest: Manifest,
        passages: list[Passage],
        faiss_index,
        directory: Path,
        sentence_index,
        snapshot: CorpusSnapshot | None = None,
    ) -> None:
        self.manifest = manifest
        # The corpus text as indexed: every quote is checked against it before it is shown
        # (load_index always reads it; None only for an index put together in memory).
        self.snapshot = snapshot
        self.passages = passages
        self.faiss_index = faiss_index
        self.sentence_index = sentence_index
        self.directory = directory
        counts = np.array([len(p.sentences) for p in passages], dtype=np.int64)
        self.first_sentence = np.concatenate([[0], np.cumsum(counts)])
        self.sentence_passage = np.repeat(np.arange(len(passages)), counts)
        # The stored vectors, read in place (no copy): passages' and sentences' rows.
        self.passage_vectors = _stored_vectors(faiss_index)
        self.sentence_vectors = _stored_vectors(sentence_index)

    @property
    def dimension(self) -> int:
        return self.manifest.dimension

    def __len__(self) -> int:
        return len(self.passages)

    def search_rows(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's answer for a batch of query vectors: (cosine scores, passage rows), -1 for none."""
        return _search(self.faiss_index, vectors, k, self.dimension)

    def search_sentence_rows(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The nearest sentences of each query vector: (cosine scores, sentence rows)."""
        return _search(self.sentence_index, vectors, k, self.dimension)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The stored vectors of the given passage rows."""
        return self.passage_vectors[np.asarray(rows, dtype=np.int64)]

    def sentence_rows(self, passage_row: int) -> range:
        return range(
            int(self.first_sentence[passage_row]), int(self.first_sentence[passage_row + 1])
        )

    def search(self, vectors: np.ndarray, k: int) -> list[list[tuple[Passage, float]]]:
        """For each query vector (one per row), the ``k`` nearest passages with cosine scores."""
        if len(self.passages) == 0 or len(vectors) == 0:
            return [[] for _ in range(len(vectors))]
        scores, rows = self.search_rows(vectors, k)
        return [
            [
                (self.passages[row], float(score))
                for row, score in zip(row_ids, row_scores)
                if row >= 0
            ]
            for row_ids, row_scores in zip(rows, scores)
        ]


def _search(index, vectors: np.ndarray, k: int, dimension: int) -> tuple[np.ndarray, np.ndarray]:
    vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, dimension)
    k = max(1, min(k, index.ntotal))
    return index.search(vectors, k)


def _stored_vectors(index) -> np.ndarray:
    """The vectors a flat or HNSW-flat FAISS index holds, as a read-only view of its memory."""
    import faiss

    storage = faiss.downcast_index(index.storage) if hasattr(index, "hnsw") else index
    if storage.ntotal == 0:
        return np.zeros((0, storage.d), dtype=np.float32)
    view = faiss.rev_swig_ptr(storage.get_xb(), storage.ntotal * storage.d)
    view = view.reshape(storage.ntotal, storage.d)
    view.flags.writeable = False
    return view


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index can serve, and if not, why."""

    state: IndexState
    message: str
    manifest: Manifest | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


def read_manifest(index_dir: Path) -> Manifest:
    """The manifest of the current build, or an error saying how to make one."""
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexMissingError(f"No index in {index_dir}; {REBUILD_HINT}.")
    if not inside(index_dir, MANIFEST):
        raise IndexCorruptError(f"{path} leads outside {index_dir}; {REBUILD_HINT}.")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"{path} is unreadable; {REBUILD_HINT}.") from exc
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {index_dir} has format {data.get('format_version')!r}, "
            f"this quotebot reads format {FORMAT_VERSION}; {REBUILD_HINT}."
            if isinstance(data, dict)
            else f"{path} is not a quotebot manifest; {REBUILD_HINT}."
        )
    return Manifest.from_json(data, str(path))


def _read_manifest_quietly(index_dir: Path) -> Manifest | None:
    try:
        return read_manifest(index_dir)
    except IndexUnusableError:
        return None


def load_index(
    index_dir: Path,
    *,
    corpus_dir: Path | None,
    fingerprint: str | None,
    model_name: str | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> PassageIndex:
    """Load and check the index; raise a clear :class:`IndexUnusableError` naming the fix.

    ``fingerprint`` is the configured model's: an index built with another model is refused.
    Every passage must be the exact text of the corpus as it was indexed, and every article record
    and passage what the build makes of that text (titles, source links, headings), or the index
    is refused.
    With ``corpus_dir``, a corpus changed since the build raises :class:`IndexStaleError` (the bot
    does not pass it: it serves a stale index and says so).
    """
    import faiss

    manifest = read_manifest(index_dir)
    if fingerprint is not None and manifest.model.fingerprint != fingerprint:
        configured = f" {model_name!r}" if model_name else ""
        raise IndexMismatchError(
            f"The index in {index_dir} was built with model {manifest.model.name!r}, not the "
            f"configured EMBEDDING_MODEL{configured}; {REBUILD_HINT}."
        )
    if problem := files_intact(manifest, index_dir, INDEX_FILES):
        raise IndexCorruptError(f"The index in {index_dir} is damaged ({problem}); {REBUILD_HINT}.")
    try:
        faiss_index = faiss.read_index(str(index_dir / manifest.files[FAISS_FILE].path))
        sentence_index = faiss.read_index(str(index_dir / manifest.files[SENTENCES_FILE].path))
    except RuntimeError as exc:
        raise IndexCorruptError(
            f"A FAISS file of the index in {index_dir} cannot be read; {REBUILD_HINT}."
        ) from exc
    passages = _read_passages(index_dir / manifest.files[PASSAGES_FILE].path)
    snapshot = CorpusSnapshot.read(index_dir / manifest.files[SNAPSHOT_FILE].path)
    if problem := snapshot.disagreement(manifest.corpus_files) or snapshot.misquote(passages):
        raise IndexCorruptError(
            f"The index in {index_dir} does not quote its corpus verbatim ({problem}); "
            f"{REBUILD_HINT}."
        )
    if problem := derivation_mismatch(snapshot, manifest.documents, passages):
        raise IndexCorruptError(
            f"The index in {index_dir} does not cite its corpus as built ({problem}); "
            f"{REBUILD_HINT}."
        )
    count = manifest.passage_count
    sentences = sum(len(p.sentences) for p in passages)
    if (
        not (faiss_index.ntotal == len(passages) == count)
        or not (sentence_index.ntotal == sentences == manifest.sentence_count)
        or not (faiss_index.d == sentence_index.d == manifest.dimension)
    ):
        raise IndexCorruptError(
            f"The index in {index_dir} disagrees with its manifest ({faiss_index.ntotal} vectors of "
            f"dimension {faiss_index.d}, {len(passages)} passages, {sentence_index.ntotal} sentence "
            f"vectors; manifest: {count} passages of dimension {manifest.dimension}, "
            f"{manifest.sentence_count} sentences); {REBUILD_HINT}."
        )
    for index in (faiss_index, sentence_index):
        if hasattr(index, "hnsw") and manifest.hnsw:
            index.hnsw.efSearch = manifest.hnsw.ef_search
    if corpus_dir is not None and (
        changes := corpus_changes(manifest.corpus_files, corpus_dir, max_file_bytes)
    ):
        raise IndexStaleError(
            f"The corpus has changed since the index was built ({changes}); {REBUILD_HINT}."
        )
    return PassageIndex(manifest, passages, faiss_index, index_dir, sentence_index, snapshot)


def _read_passages(path: Path) -> list[Passage]:
    try:
        with path.open(encoding="utf-8") as handle:
            return [Passage.from_json(json.loads(line)) for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError) as exc:
        raise IndexCorruptError(f"{path} cannot be read; {REBUILD_HINT}.") from exc


def index_status(
    index_dir: Path,
    corpus_dir: Path,
    fingerprint: str | None,
    model_name: str | None = None,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> IndexStatus:
    """Check the index the way the bot does at start-up, without raising ("stale" still serves)."""
    try:
        index = load_index(
            index_dir,
            corpus_dir=corpus_dir,
            fingerprint=fingerprint,
            model_name=model_name,
            max_file_bytes=max_file_bytes,
        )
    except IndexMissingError as exc:
        return IndexStatus("missing", str(exc))
    except IndexStaleError as exc:
        return IndexStatus("stale", str(exc), _read_manifest_quietly(index_dir))
    except IndexMismatchError as exc:
        return IndexStatus("mismatch", str(exc), _read_manifest_quietly(index_dir))
    except IndexCorruptError as exc:
        return IndexStatus("corrupt", str(exc), _read_manifest_quietly(index_dir))
    return IndexStatus("ok", f"The index in {index_dir} is up to date.", index.manifest)
