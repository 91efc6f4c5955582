"""The embedding model under torch (sentence-transformers), loaded on first use.

``EMBEDDING_BACKEND=torch`` serves with it, and the ONNX export is checked against it.
sentence-transformers and torch are imported on first use only: the import alone takes seconds.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from bot.embedding.model import ModelSpec, model_fingerprint, prepare_offline_environment
from bot.embedding.tokens import TokenCounter, tokenizer_counter
from bot.errors import ModelError


class SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 (or another sentence-transformers model) under torch, loaded on first use."""

    backend = "torch"

    def __init__(self, spec: ModelSpec, *, batch_size: int = 64, device: str = "cpu") -> None:
        self.spec = spec
        self.name = spec.name
        self.batch_size = batch_size
        self.device = device
        self._model = None
        self._counter: TokenCounter | None = None
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
        except ImportError as exc:
            raise ModelError(
                "EMBEDDING_BACKEND=torch needs torch and sentence-transformers: "
                "run `pip install 'quotebot[torch]'`, or set EMBEDDING_BACKEND=onnx."
            ) from exc
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
        if self._counter is None:
            tokenizer_file = self.spec.path / "tokenizer.json" if self.spec.path else None
            if tokenizer_file is not None and tokenizer_file.is_file():
                self._counter = tokenizer_counter(tokenizer_file)  # without loading torch
            else:
                tokenizer = self.model.tokenizer
                self._counter = lambda t: len(tokenizer(t, add_special_tokens=False)["input_ids"])
        return self._counter(text)
