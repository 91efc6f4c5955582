"""Build, check and load the passage index: FAISS vectors, passages and a manifest.

Layout of ``INDEX_DIR``::

    manifest.json          what was built, from what, and where its files are (replaced atomically)
    gen-<build id>/        one build: index.faiss (vectors) and passages.jsonl (text and offsets)

A build writes a new ``gen-*`` directory under a temporary name, renames it, and only then replaces
``manifest.json`` with ``os.replace``. Until that last step the previous manifest, pointing at the
previous generation, is what every reader sees; an interrupted build leaves the old index serving.
"""

from __future__ import annotations

import contextlib
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
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.corpus import Document, list_corpus_files, read_corpus, relative_source_path
from bot.embedding import Encoder
from bot.errors import (
    REBUILD_HINT,
    CorpusError,
    IndexBuildError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStaleError,
    IndexUnusableError,
)
from bot.passages import MAX_PASSAGE_TOKENS, Passage, embedding_text, split_corpus

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
FAISS_FILE = "index.faiss"
PASSAGES_FILE = "passages.jsonl"
# How passages are cut and embedded; a change here makes old indexes stale.
CHUNKING = {"max_passage_tokens": MAX_PASSAGE_TOKENS, "context": "headings", "version": 2}

# Exact search is used up to this many passages, HNSW above it. Measured with bench/ on the
# 2-core machines (docs/performance.md): flat search takes about 4 ms over 20k 384-d vectors and
# 21 ms over 100k. HNSW (M=32, efConstruction=80) over 1M embedding-like vectors: efSearch 256 gives
# p50 2.4 ms at recall@10 0.96, efSearch 384 gives 3.5 ms at 0.98 (0.998+ at 100k).
HNSW_THRESHOLD = 20_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 384


@dataclass(frozen=True)
class BuildResult:
    """What `quotebot index build` did."""

    built: bool
    passages: int
    files: int
    seconds: float
    reused_vectors: int = 0
    manifest: dict = field(default_factory=dict)

    @property
    def passages_per_second(self) -> float:
        return self.passages / self.seconds if self.seconds > 0 else 0.0


@dataclass
class PassageIndex:
    """A loaded index: the FAISS structure and the passages its rows stand for."""

    manifest: dict
    passages: list[Passage]
    faiss_index: object
    directory: Path

    @property
    def dimension(self) -> int:
        return int(self.manifest["dimension"])

    def __len__(self) -> int:
        return len(self.passages)

    def search_rows(self, vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """FAISS's answer for a batch of query vectors: (cosine scores, passage rows), -1 for none."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dimension)
        k = max(1, min(k, len(self.passages)))
        return self.faiss_index.search(vectors, k)

    def vectors(self, rows: Sequence[int]) -> np.ndarray:
        """The stored vectors of the given passage rows."""
        if not rows:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self.faiss_index.reconstruct(int(row)) for row in rows])

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


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index can serve, and if not, why."""

    state: str  # "ok", "missing", "stale", "mismatch" or "corrupt"
    message: str
    manifest: dict | None = None

    @property
    def ok(self) -> bool:
        return self.state == "ok"


# --------------------------------------------------------------------------------------- build


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    encoder: Encoder,
    *,
    force: bool = False,
    progress: bool = False,
) -> BuildResult:
    """Rebuild the index from the corpus unless it is already up to date (or ``force``)."""
    started = time.perf_counter()
    documents = read_corpus(corpus_dir)
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
        vectors, reused = _embed(passages, encoder, previous, progress)
        faiss_index, index_type = _make_faiss_index(vectors)
        manifest = _manifest(
            encoder, fingerprint, vectors.shape[1], index_type, passages, corpus_hashes, documents
        )
        _write_generation(index_dir, faiss_index, passages, manifest)
        seconds = time.perf_counter() - started
        return BuildResult(True, len(passages), len(documents), seconds, reused, manifest)


def _create_directory(index_dir: Path) -> None:
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexBuildError(
            f"Cannot create index directory {index_dir}: {exc.strerror}."
        ) from None


@contextlib.contextmanager
def _build_lock(index_dir: Path) -> Iterator[None]:
    """One build at a time per index directory (a second one waits)."""
    try:
        handle = open(index_dir / ".build.lock", "a")  # noqa: SIM115 - held for the whole build
    except OSError as exc:
        raise IndexBuildError(
            f"Cannot write to index directory {index_dir}: {exc.strerror}."
        ) from None
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


def _same_sources(manifest: dict, corpus_hashes: dict[str, str]) -> bool:
    return (
        manifest.get("chunking") == CHUNKING
        and manifest.get("corpus", {}).get("files") == corpus_hashes
    )


def _embed(
    passages: Sequence[Passage], encoder: Encoder, previous: PassageIndex | None, progress: bool
) -> tuple[np.ndarray, int]:
    """Vectors for every passage; those whose embedded text is unchanged come from ``previous``."""
    texts = [embedding_text(p) for p in passages]
    known = _vectors_by_text(previous) if previous else {}
    keys = [_text_key(text) for text in texts]
    missing = [i for i, key in enumerate(keys) if key not in known]
    fresh = encoder.encode([texts[i] for i in missing], progress=progress) if missing else None
    dimension = fresh.shape[1] if fresh is not None else previous.dimension
    vectors = np.empty((len(passages), dimension), dtype=np.float32)
    for row, i in enumerate(missing):
        vectors[i] = fresh[row]
    for i, key in enumerate(keys):
        if key in known:
            vectors[i] = known[key]
    return vectors, len(passages) - len(missing)


def _text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _vectors_by_text(index: PassageIndex) -> dict[str, np.ndarray]:
    try:
        vectors = index.faiss_index.reconstruct_n(0, len(index))
    except RuntimeError:  # an index type that cannot give its vectors back
        return {}
    return {_text_key(embedding_text(p)): vectors[i] for i, p in enumerate(index.passages)}


def _make_faiss_index(vectors: np.ndarray) -> tuple[object, str]:
    import faiss

    dimension = vectors.shape[1]
    if len(vectors) <= HNSW_THRESHOLD:
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
    index_type: str,
    passages: Sequence[Passage],
    corpus_hashes: dict[str, str],
    documents: Sequence[Document],
) -> dict:
    return {
        "format_version": FORMAT_VERSION,
        "model": {
            "name": encoder.name,
            "fingerprint": fingerprint,
            "backend": getattr(encoder, "backend", None),
        },
        "dimension": dimension,
        "metric": "inner_product",
        "normalized": True,
        "index_type": index_type,
        "hnsw": {"m": HNSW_M, "ef_construction": HNSW_EF_CONSTRUCTION, "ef_search": HNSW_EF_SEARCH}
        if index_type == "hnsw"
        else None,
        "passage_count": len(passages),
        "chunking": CHUNKING,
        "corpus": {
            "files": corpus_hashes,
            "documents": [
                {
                    "doc_id": d.doc_id,
                    "title": d.title,
                    "source": d.source,
                    "source_path": d.source_path,
                }
                for d in documents
            ],
        },
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": _library_versions(),
    }


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
    index_dir: Path, faiss_index, passages: Sequence[Passage], manifest: dict
) -> None:
    """Write the build beside the current one, then switch the manifest to it in one rename."""
    import faiss

    build_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    temporary = index_dir / f".tmp-{build_id}"
    generation = index_dir / f"gen-{build_id}"
    try:
        for leftover in index_dir.glob(".tmp-*"):  # from builds that were interrupted
            shutil.rmtree(leftover, ignore_errors=True)
        temporary.mkdir()
        faiss.write_index(faiss_index, str(temporary / FAISS_FILE))
        with open(temporary / PASSAGES_FILE, "w", encoding="utf-8") as handle:
            for passage in passages:
                handle.write(json.dumps(passage.to_json(), ensure_ascii=False) + "\n")
        manifest["files"] = {
            name: {"path": f"{generation.name}/{name}", **_file_facts(temporary / name)}
            for name in (FAISS_FILE, PASSAGES_FILE)
        }
        for name in (FAISS_FILE, PASSAGES_FILE):
            _fsync(temporary / name)
        os.rename(temporary, generation)
        staged = index_dir / f".{MANIFEST}.{build_id}"
        staged.write_text(
            json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
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


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _file_facts(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return {"sha256": digest.hexdigest(), "bytes": path.stat().st_size}


# ---------------------------------------------------------------------------------------- load


def read_manifest(index_dir: Path) -> dict:
    """The manifest of the current build, or an error saying how to make one."""
    path = index_dir / MANIFEST
    if not path.is_file():
        raise IndexMissingError(f"No index in {index_dir}; {REBUILD_HINT}.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        raise IndexCorruptError(f"{path} is unreadable; {REBUILD_HINT}.") from None
    if not isinstance(manifest, dict) or manifest.get("format_version") != FORMAT_VERSION:
        raise IndexMismatchError(
            f"The index in {index_dir} has format {manifest.get('format_version')!r}, "
            f"this quotebot reads format {FORMAT_VERSION}; {REBUILD_HINT}."
            if isinstance(manifest, dict)
            else f"{path} is not a quotebot manifest; {REBUILD_HINT}."
        )
    return manifest


def _read_manifest_quietly(index_dir: Path) -> dict | None:
    try:
        return read_manifest(index_dir)
    except IndexUnusableError:
        return None


def _files_intact(manifest: dict, index_dir: Path) -> str | None:
    """None when every index file is present with the recorded size and sha256, else what is wrong."""
    files = manifest.get("files") or {}
    for name in (FAISS_FILE, PASSAGES_FILE):
        facts = files.get(name)
        if not facts:
            return f"the manifest does not list {name}"
        path = index_dir / facts["path"]
        if not path.is_file():
            return f"{facts['path']} is missing"
        if path.stat().st_size != facts["bytes"]:
            return f"{facts['path']} has {path.stat().st_size} bytes, the manifest says {facts['bytes']}"
        if _file_facts(path)["sha256"] != facts["sha256"]:
            return f"{facts['path']} has changed since the build"
    return None


def load_index(
    index_dir: Path,
    *,
    corpus_dir: Path | None,
    fingerprint: str | None,
    model_name: str | None = None,
) -> PassageIndex:
    """Load and check the index; raise a clear :class:`IndexUnusableError` naming the fix.

    ``fingerprint`` is the configured model's: an index built with another model is refused.
    With ``corpus_dir``, a corpus changed since the build raises :class:`IndexStaleError`.
    """
    import faiss

    manifest = read_manifest(index_dir)
    built_with = manifest.get("model") or {}
    if fingerprint is not None and built_with.get("fingerprint") != fingerprint:
        configured = f" {model_name!r}" if model_name else ""
        raise IndexMismatchError(
            f"The index in {index_dir} was built with model {built_with.get('name')!r}, not the "
            f"configured EMBEDDING_MODEL{configured}; {REBUILD_HINT}."
        )
    if problem := _files_intact(manifest, index_dir):
        raise IndexCorruptError(f"The index in {index_dir} is damaged ({problem}); {REBUILD_HINT}.")
    files = manifest["files"]
    try:
        faiss_index = faiss.read_index(str(index_dir / files[FAISS_FILE]["path"]))
    except RuntimeError:
        raise IndexCorruptError(
            f"The FAISS file of the index in {index_dir} cannot be read; {REBUILD_HINT}."
        ) from None
    passages = _read_passages(index_dir / files[PASSAGES_FILE]["path"])
    count = manifest.get("passage_count")
    if not (faiss_index.ntotal == len(passages) == count) or faiss_index.d != manifest.get(
        "dimension"
    ):
        raise IndexCorruptError(
            f"The index in {index_dir} disagrees with its manifest ({faiss_index.ntotal} vectors of "
            f"dimension {faiss_index.d}, {len(passages)} passages, manifest: {count} of dimension "
            f"{manifest.get('dimension')}); {REBUILD_HINT}."
        )
    if manifest.get("index_type") == "hnsw" and manifest.get("hnsw"):
        faiss_index.hnsw.efSearch = int(manifest["hnsw"]["ef_search"])
    if corpus_dir is not None and (changes := corpus_changes(manifest, corpus_dir)):
        raise IndexStaleError(
            f"The corpus has changed since the index was built ({changes}); {REBUILD_HINT}."
        )
    return PassageIndex(manifest, passages, faiss_index, index_dir)


def _read_passages(path: Path) -> list[Passage]:
    try:
        with path.open(encoding="utf-8") as handle:
            return [Passage.from_json(json.loads(line)) for line in handle if line.strip()]
    except (OSError, UnicodeDecodeError, ValueError, TypeError, KeyError):
        raise IndexCorruptError(f"{path} cannot be read; {REBUILD_HINT}.") from None


def corpus_changes(manifest: dict, corpus_dir: Path) -> str:
    """A short description of corpus files added, removed or edited since the build ('' if none)."""
    built = manifest.get("corpus", {}).get("files", {})
    try:
        paths = list_corpus_files(corpus_dir)
    except CorpusError as exc:
        return str(exc).rstrip(".")
    now = {}
    for path in paths:
        try:
            now[relative_source_path(path, corpus_dir)] = _file_facts(path)["sha256"]
        except OSError:
            continue
    parts = []
    for label, names in (
        ("added", sorted(set(now) - set(built))),
        ("removed", sorted(set(built) - set(now))),
        ("edited", sorted(n for n in set(now) & set(built) if now[n] != built[n])),
    ):
        if names:
            shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
            parts.append(f"{label}: {shown}")
    return "; ".join(parts)


def index_status(
    index_dir: Path, corpus_dir: Path, fingerprint: str | None, model_name: str | None = None
) -> IndexStatus:
    """Check the index the way the bot does at start-up, without raising."""
    try:
        index = load_index(
            index_dir, corpus_dir=corpus_dir, fingerprint=fingerprint, model_name=model_name
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
