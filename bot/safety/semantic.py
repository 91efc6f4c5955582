"""The semantic layers of triage: curated urgent and calm examples embedded by a model, and when a
sentence counts as near an urgent one. What the model cannot tell apart ("no blood" from "blood")
the lexicon's guards veto (bot.safety.lexicon.Lexicon.vetoes).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bot.embedding.encoder import Encoder
from bot.safety.lexicon import Lexicon, RedFlag

# A sentence is near an urgent example when its cosine to it exceeds its cosine to the nearest calm
# example by the margin, and is at least the floor. Chosen on the development sets with
# `quotebot eval --sweep` and the grids in docs/evaluation.md.
SEMANTIC_MARGIN = 0.10  # English, the retrieval model
SEMANTIC_MIN_COSINE = 0.45
MULTILINGUAL_MARGIN = 0.10  # other languages, the multilingual model
MULTILINGUAL_MIN_COSINE = 0.30
STORIES_MARGIN = 0.15  # English messages of several sentences, the multilingual model
STORIES_MIN_COSINE = 0.35
MIN_WORDS = 3


@dataclass(frozen=True)
class SemanticLayer:
    """Urgent and calm examples embedded by one model, and when a sentence counts as near them."""

    encoder: Encoder
    margin: float
    min_cosine: float


class Examples:
    """The examples' vectors, urgent then calm, as one matrix: one product per batch."""

    def __init__(self, encoder: Encoder, urgent: list[tuple[RedFlag, str]], calm: list[str]):
        self.flags = [flag for flag, _ in urgent]
        self.count = len(urgent)
        texts = [text for _, text in urgent] + calm
        self.matrix = np.ascontiguousarray(encoder.encode(texts).T)

    def nearest(
        self, vectors: np.ndarray, layer: SemanticLayer
    ) -> list[tuple[RedFlag | None, float]]:
        """Per vector: the nearest urgent example's flag when it is near enough, and the margin."""
        similarities = np.asarray(vectors, dtype=np.float32) @ self.matrix
        urgent, calm = similarities[:, : self.count], similarities[:, self.count :]
        best = urgent.argmax(axis=1)
        top = urgent[np.arange(len(best)), best]
        margin = top - (calm.max(axis=1) if calm.shape[1] else 0.0)
        near = (margin >= layer.margin) & (top >= layer.min_cosine)
        return [
            (self.flags[int(b)] if ok else None, float(m)) for b, ok, m in zip(best, near, margin)
        ]


def semantic_sentences(text: str) -> list[str]:
    """The sentences of a message long enough for the semantic layer to read."""
    return [s for s in Lexicon.split_original(text) if long_enough(s)]


def long_enough(text: str) -> bool:
    """Three words, or, in a script written without spaces (Chinese, Japanese), four characters."""
    words = text.split()
    if len(words) >= MIN_WORDS:
        return True
    return len(words) == 1 and not text.isascii() and len(text) >= 4 and _unspaced(text)


def _unspaced(text: str) -> bool:
    return any(
        "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af"
        for ch in text
    )
