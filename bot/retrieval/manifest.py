"""``manifest.json``, typed: what an index was built from, with what, and where its files are.

The JSON layout is the index format (``FORMAT_VERSION``); these dataclasses read and write exactly
it, so an index built before them still loads. A manifest that does not have the layout is refused
with the command that rebuilds it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, Literal

from bot.errors import REBUILD_HINT, IndexCorruptError
from bot.ingest.corpus import SourceDocument

IndexType = Literal["flat", "hnsw"]


@dataclass(frozen=True)
class ModelRecord:
    """The embedding model the vectors came from."""

    name: str
    fingerprint: str
    backend: str | None = None


@dataclass(frozen=True)
class HnswParameters:
    m: int
    ef_construction: int
    ef_search: int


@dataclass(frozen=True)
class IndexFile:
    """One file of a build, where it is (relative to ``INDEX_DIR``) and what it must hash to."""

    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Manifest:
    """Everything ``manifest.json`` records about one build."""

    format_version: int
    model: ModelRecord
    dimension: int
    index_type: IndexType
    passage_count: int
    chunking: dict[str, Any]
    corpus_files: dict[str, str]  # source path -> sha256 of the file as it was indexed
    documents: tuple[SourceDocument, ...]
    built_at: str
    versions: dict[str, str]
    hnsw: HnswParameters | None = None
    files: dict[str, IndexFile] = dataclasses.field(default_factory=dict)
    metric: str = "inner_product"
    normalized: bool = True
    sentence_count: int = 0
    sentence_index_type: IndexType = "flat"

    def to_json(self) -> dict[str, Any]:
        return {
            "format_version": self.format_version,
            "model": dataclasses.asdict(self.model),
            "dimension": self.dimension,
            "metric": self.metric,
            "normalized": self.normalized,
            "index_type": self.index_type,
            "hnsw": dataclasses.asdict(self.hnsw) if self.hnsw else None,
            "passage_count": self.passage_count,
            "sentence_count": self.sentence_count,
            "sentence_index_type": self.sentence_index_type,
            "chunking": self.chunking,
            "corpus": {
                "files": self.corpus_files,
                "documents": [dataclasses.asdict(d) for d in self.documents],
            },
            "built_at": self.built_at,
            "versions": self.versions,
            "files": {name: dataclasses.asdict(f) for name, f in self.files.items()},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str) -> Manifest:
        """The manifest in ``data``; IndexCorruptError naming ``where`` when a field is missing."""
        try:
            corpus = data["corpus"]
            hnsw = data.get("hnsw")
            return cls(
                format_version=int(data["format_version"]),
                model=ModelRecord(**data["model"]),
                dimension=int(data["dimension"]),
                index_type=data["index_type"],
                passage_count=int(data["passage_count"]),
                chunking=dict(data["chunking"]),
                corpus_files=dict(corpus["files"]),
                documents=tuple(SourceDocument(**d) for d in corpus["documents"]),
                built_at=str(data["built_at"]),
                versions=dict(data.get("versions") or {}),
                hnsw=HnswParameters(**hnsw) if hnsw else None,
                files={name: IndexFile(**f) for name, f in (data.get("files") or {}).items()},
                metric=data.get("metric", "inner_product"),
                normalized=bool(data.get("normalized", True)),
                sentence_count=int(data["sentence_count"]),
                sentence_index_type=data["sentence_index_type"],
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise IndexCorruptError(f"{where} lacks or garbles {exc}; {REBUILD_HINT}.") from exc
