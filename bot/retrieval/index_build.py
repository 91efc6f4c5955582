"""Build the passage index: split the corpus, embed the passages, write a new generation atomically.

A build refuses a corpus file it cannot read safely (a symlink out of the corpus, a file over
``CORPUS_MAX_FILE_BYTES``, bytes that are not UTF-8) with the file named, and writes the text of
every file it indexed into the generation (:mod:`bot.retrieval.corpus_snapshot`): what quotes are
checked against. A build writes a new ``gen-*`` directory under a temporary name, renames it, and only then replaces
``manifest.json`` with ``os.replace``. Until that last step the previous manifest, pointing at the
previous generation, is what every reader sees; an interrupted build leaves the old index serving.
The layout itself, and loading, are :mod:`bot.retrieval.index_store`'s.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import os
import platform
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.embedding.encoder import Encoder
from bot.errors import CorpusError, IndexBuildError, IndexUnusableError
from bot.ingest.corpus import Document, read_corpus
from bot.ingest.passages import Passage, embedding_text, split_corpus
from bot.retrieval.corpus_snapshot import SNAPSHOT_FILE, CorpusSnapshot
from bot.retrieval.index_files import file_facts
from bot.retrieval.index_store import (
    CHUNKING,
    FAISS_FILE,
    FORMAT_VERSION,
    HNSW_EF_CONSTRUCTION,
    HNSW_EF_SEARCH,
    HNSW_M,
    MANIFEST,
    PASSAGES_FILE,
    SENTENCES_FILE,
    PassageIndex,
    load_index,
)
from bot.retrieval.manifest import HnswParameters, IndexType, Manifest, ModelRecord
from bot.settings import DEFAULT_MAX_FILE_BYTES

# Exact search is used up to this many passages, HNSW above it. Measured with bench/ on the
# 2-core machines (docs/performance.md): flat search takes about 4 ms over 20k 384-d vectors and
# 21 ms over 100k. HNSW (M=32, efConstruction=80) over 1M embedding-like vectors: efSearch 256 gives
# p50 2.4 ms at recall@10 0.96, efSearch 384 gives 3.5 ms at 0.98 (0.998+ at 100k).
HNSW_THRESHOLD = 20_000


@dataclass(frozen=True)
class BuildResult:
    """What `quotebot index build` did."""

    built: bool
    passages: int
    files: int
    seconds: float
    manifest: Manifest
    reused_vectors: int = 0

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds > 0 else 0.0


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    *,
    force: bool = False,
    progress: bool = False,
    hnsw_threshold: int = HNSW_THRESHOLD,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> BuildResult:
    """Rebuild the index from the corpus unless it is already up to date (or ``force``).

    Up to ``hnsw_threshold`` passages are searched exactly, more with an HNSW graph. A corpus file
    over ``max_file_bytes`` is refused (checked before it is read).
    """
    started = time.perf_counter()
    documents = read_corpus(corpus_dir, max_file_bytes)
    corpus_hashes = {document.source_path: document.sha256 for document in documents}
    fingerprint = encoder.fingerprint
    _create_directory(index_dir)
    with _build_lock(index_dir):
        previous = _load_quietly(index_dir, fingerprint)
        if not force and previous and _same_sources(previous.manifest, corpus_hashes):
            return BuildResult(
                built=False,
                passages=len(previous),
                files=len(corpus_hashes),
                seconds=time.perf_counter() - started,
                manifest=previous.manifest,
            )
        passages = split_corpus(documents, encoder.count_tokens)
        if not passages:
            raise CorpusError(
                f"Corpus directory {corpus_dir} has no article text to index (every file is empty "
                "or only headings); run `quotebot corpus lint`."
            )
        texts = [embedding_text(p) for p in passages]
        texts += [text for p in passages for text in p.sentence_texts()]
        vectors, reused = _embed(texts, encoder, previous, progress)
        passage_index, index_type = _make_faiss_index(vectors[: len(passages)], hnsw_threshold)
        sentence_index, sentence_type = _make_faiss_index(vectors[len(passages) :], hnsw_threshold)
        manifest = _manifest(
            encoder, fingerprint, vectors.shape[1], passages, corpus_hashes, documents
        )
        manifest = dataclasses.replace(
            manifest,
            index_type=index_type,
            sentence_count=len(texts) - len(passages),
            sentence_index_type=sentence_type,
            hnsw=HnswParameters(HNSW_M, HNSW_EF_CONSTRUCTION, HNSW_EF_SEARCH)
            if "hnsw" in (index_type, sentence_type)
            else None,
        )
        manifest = _write_generation(
            index_dir,
            {FAISS_FILE: passage_index, SENTENCES_FILE: sentence_index},
            passages,
            manifest,
            CorpusSnapshot({document.source_path: document.text for document in documents}),
        )
        seconds = time.perf_counter() - started
        return BuildResult(True, len(passages), len(documents), seconds, manifest, reused)


def _create_directory(index_dir: Path) -> None:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexBuildError(
            f"Cannot create index directory {index_dir}: {exc.strerror}."
        ) from exc


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index directory (a second one waits)."""
    try:
        handle = open(index_dir / ".build.lock", "a")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise IndexBuildError(
            f"Cannot write to index directory {index_dir}: {exc.strerror}."
        ) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_quietly(index_dir: Path, fingerprint: str) -> PassageIndex | None:
    """The current index when it is intact and built with this model, else None."""
    try:
        return load_index(index_dir, corpus_dir=None, fingerprint=fingerprint)
    except IndexUnusableError:
        return None


def _same_sources(manifest: Manifest, corpus_hashes: dict[str, str]) -> bool:
    return manifest.chunking == CHUNKING and manifest.corpus_files == corpus_hashes


def _embed(
    texts: Sequence[str], encoder: Encoder, previous: PassageIndex | None, progress: bool
) -> tuple[np.ndarray, int]:
    """A vector per text, each distinct text encoded once; texts ``previous`` embedded already
    keep their vectors. Returns the vectors and how many texts were reused."""
    known = _vectors_by_text(previous) if previous else {}
    keys = [_text_key(text) for text in texts]
    wanted = list(dict.fromkeys(key for key in keys if key not in known))
    first = {key: i for i, key in reversed(list(enumerate(keys)))}
    fresh = (
        encoder.encode([texts[first[key]] for key in wanted], progress=progress) if wanted else None
    )
    known |= {key: fresh[row] for row, key in enumerate(wanted)}
    dimension = fresh.shape[1] if fresh is not None else previous.dimension
    vectors = np.empty((len(texts), dimension), dtype=np.float32)
    for i, key in enumerate(keys):
        vectors[i] = known[key]
    return vectors, len(texts) - len(wanted)


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vectors_by_text(index: PassageIndex) -> dict[str, np.ndarray]:
    texts = [embedding_text(p) for p in index.passages]
    texts += [text for p in index.passages for text in p.sentence_texts()]
    vectors = np.concatenate([index.passage_vectors, index.sentence_vectors])
    return {_text_key(text): vectors[i] for i, text in enumerate(texts)}


def _make_faiss_index(
    vectors: np.ndarray, hnsw_threshold: int = HNSW_THRESHOLD
) -> tuple[object, IndexType]:
    import faiss

    dimension = vectors.shape[1]
    if len(vectors) <= hnsw_threshold:
        index = faiss.IndexFlatIP(dimension)
        kind = "flat"
    else:
        index = faiss.IndexHNSWFlat(dimension, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
        kind = "hnsw"
    index.add(vectors)
    return index, kind


def _manifest(
    encoder: Encoder,
    fingerprint: str,
    dimension: int,
    passages: Sequence[Passage],
    corpus_hashes: dict[str, str],
    documents: Sequence[Document],
) -> Manifest:
    return Manifest(
        format_version=FORMAT_VERSION,
        model=ModelRecord(encoder.name, fingerprint, getattr(encoder, "backend", None)),
        dimension=dimension,
        index_type="flat",
        passage_count=len(passages),
        chunking=CHUNKING,
        corpus_files=corpus_hashes,
        # A file with no article text (empty, only headings) has nothing to quote: it is not
        # a source (`corpus lint` reports it as an error).
        documents=tuple(document.citation() for document in documents if document.blocks),
        built_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        versions=_library_versions(),
    )


def _library_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version()}
    for package in (
        "quotebot",
        "faiss-cpu",
        "onnxruntime",
        "sentence-transformers",
        "torch",
        "numpy",
    ):
        with contextlib.suppress(PackageNotFoundError):
            versions[package] = version(package)
    return versions


def _write_generation(
    index_dir: Path,
    faiss_indexes: dict,
    passages: Sequence[Passage],
    manifest: Manifest,
    snapshot: CorpusSnapshot,
) -> Manifest:
    """Write the build beside the current one, then switch the manifest to it in one rename."""
    import faiss

    build_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    temporary = index_dir / f".tmp-{build_id}"
    generation = index_dir / f"gen-{build_id}"
    try:
        for leftover in index_dir.glob(".tmp-*"):  # from builds that were interrupted
            shutil.rmtree(leftover, ignore_errors=True)
        temporary.mkdir()
        for name, faiss_index in faiss_indexes.items():
            faiss.write_index(faiss_index, str(temporary / name))
        with open(temporary / PASSAGES_FILE, "w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(json.dumps(passage.to_json(), ensure_ascii=False) + "\n")
        snapshot.write(temporary / SNAPSHOT_FILE)
        names = (*faiss_indexes, PASSAGES_FILE, SNAPSHOT_FILE)
        manifest = dataclasses.replace(
            manifest,
            files={
                name: file_facts(temporary / name, f"{generation.name}/{name}") for name in names
            },
        )
        for name in names:
            _fsync(temporary / name)
        os.rename(temporary, generation)
        staged = index_dir / f".{MANIFEST}.{build_id}"
        staged.write_text(
            json.dumps(manifest.to_json(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _fsync(staged)
        os.replace(staged, index_dir / MANIFEST)
        _fsync(index_dir)
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(temporary, ignore_errors=True)
        shutil.rmtree(generation, ignore_errors=True)
        for staged_file in index_dir.glob(f".{MANIFEST}.*"):
            staged_file.unlink(missing_ok=True)
        reason = getattr(exc, "strerror", None) or str(exc).splitlines()[0]
        raise IndexBuildError(
            f"Cannot write the index to {index_dir}: {reason}; the previous index is untouched."
        ) from exc
    for old in index_dir.glob("gen-*"):
        if old != generation:
            shutil.rmtree(old, ignore_errors=True)
    return manifest


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
