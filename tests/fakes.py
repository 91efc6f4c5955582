"""Deterministic stand-ins for what a unit test should not wait for (the real model)."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence

import numpy as np

# Words that say nothing of a text's subject: left out, so that sharing them makes texts no nearer.
FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "do",
        "does",
        "did",
        "can",
        "could",
        "will",
        "would",
        "should",
        "may",
        "might",
        "must",
        "i",
        "me",
        "my",
        "you",
        "your",
        "we",
        "our",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "who",
        "whom",
        "how",
        "why",
        "when",
        "where",
        "there",
        "here",
        "not",
        "no",
        "so",
        "than",
        "then",
        "too",
        "very",
        "have",
        "has",
        "had",
        "about",
        "into",
        "over",
        "also",
        "just",
        "more",
        "most",
        "some",
        "any",
        "all",
        "each",
    ]
)


class FakeEncoder:
    """Hashed bag-of-words vectors: texts sharing words are near, as with a real model, but instant."""

    backend = "fake"

    def __init__(
        self, dimension: int = 1024, name: str = "fake-encoder", delay: float = 0.0
    ) -> None:
        self.name = name
        self._dimension = dimension
        self.delay = delay
        self.encoded = 0

    @property
    def fingerprint(self) -> str:
        return f"fake:{self.name}:{self._dimension}"

    @property
    def dimension(self) -> int:
        return self._dimension

    def encode(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        vectors = np.zeros((len(texts), self._dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            if self.delay:
                time.sleep(self.delay)
            for word in re.findall(r"\w+", text.lower()):
                if word in FUNCTION_WORDS:
                    continue
                bucket = int.from_bytes(
                    hashlib.blake2b(word.encode(), digest_size=4).digest(), "big"
                )
                vectors[row, bucket % self._dimension] += 1.0
            norm = np.linalg.norm(vectors[row])
            vectors[row] = vectors[row] / norm if norm else vectors[row]
            vectors[row, 0] += 0.0 if norm else 1.0
        self.encoded += len(texts)
        return vectors

    def count_tokens(self, text: str) -> int:
        return len(re.findall(r"\w+|[^\w\s]", text))
