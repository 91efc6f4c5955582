"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates fused, then thresholded by cosine.

A weighted score (cosine plus normalised BM25) orders the candidates; whether a candidate is
relevant enough to quote is decided on its cosine similarity to the question alone — a calibrated
score with the same meaning for every question — never on the fused score, whose scale depends on
the other candidates.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bot.ingest.passages import Passage
from bot.retrieval.index_store import PassageIndex
from bot.retrieval.lexical import LexicalIndex

# Tuned on bot/data/eval/labelled.toml with `quotebot eval --sweep` (docs/evaluation.md).
MIN_SCORE = 0.27  # below this cosine nothing is quoted: middle of the plateau 0.24-0.30
SCORE_MARGIN = 0.20  # a further quote must be within this of the best one
LEXICAL_WEIGHT = 0.2  # weight of the normalised BM25 score added to the cosine for ordering
CANDIDATES = 20


@dataclass(frozen=True)
class Hit:
    """A candidate passage for a question, with its calibrated (cosine) and fused scores."""

    passage: Passage
    row: int
    cosine: float  # cosine similarity of question and passage: the calibrated score
    fused: float  # cosine + weighted normalised BM25: the order, not the decision


class Retriever:
    """Ranks passages for questions and keeps those relevant enough to quote."""

    def __init__(
        self,
        index: PassageIndex,
        lexical: LexicalIndex | None = None,
        *,
        min_score: float = MIN_SCORE,
        score_margin: float = SCORE_MARGIN,
        lexical_weight: float = LEXICAL_WEIGHT,
        candidates: int = CANDIDATES,
    ) -> None:
        self.index = index
        self.lexical = (
            lexical
            if lexical is not None
            else LexicalIndex([" ".join(p.headings) + " " + p.text for p in index.passages])
        )
        self.min_score = min_score
        self.score_margin = score_margin
        self.lexical_weight = lexical_weight
        self.candidates = candidates

    def rank_batch(self, questions: Sequence[str], vectors: np.ndarray) -> list[list[Hit]]:
        """All candidates for each question, best first by fused rank."""
        if len(self.index) == 0:
            return [[] for _ in questions]
        scores, rows = self.index.search_rows(vectors, self.candidates)
        return [
            self._fuse(question, vectors[i], rows[i], scores[i])
            for i, question in enumerate(questions)
        ]

    def _fuse(
        self, question: str, vector: np.ndarray, rows: np.ndarray, scores: np.ndarray
    ) -> list[Hit]:
        cosine = {int(row): float(score) for row, score in zip(rows, scores) if row >= 0}
        lexical = dict(self.lexical.top(question, self.candidates))
        lexical_only = [row for row in lexical if row not in cosine]
        if lexical_only:
            for row, similarity in zip(lexical_only, self.index.vectors(lexical_only) @ vector):
                cosine[row] = float(similarity)
        fused = self._combine(cosine, lexical)
        ordered = sorted(fused, key=lambda row: (-fused[row], -cosine[row]))
        return [Hit(self.index.passages[row], row, cosine[row], fused[row]) for row in ordered]

    def _combine(self, cosine: dict[int, float], lexical: dict[int, float]) -> dict[int, float]:
        """Order by cosine plus BM25 relative to the question's best BM25 score.

        A weighted score beat reciprocal rank fusion on the labelled set (recall@3 0.956 against
        0.844, MRR 0.924 against 0.810): a rare word of the question ("zinc") is strong evidence
        that rank fusion flattens away.
        """
        top = max(lexical.values(), default=0.0) or 1.0
        return {
            row: cosine[row] + self.lexical_weight * lexical.get(row, 0.0) / top for row in cosine
        }

    def select(self, hits: Sequence[Hit]) -> list[Hit]:
        """The candidates worth quoting, in fused order: relevant enough, close to the best, distinct."""
        if not hits:
            return []
        best = max(hit.cosine for hit in hits)
        if best < self.min_score:
            return []
        floor = max(self.min_score, best - self.score_margin)
        chosen: list[Hit] = []
        for hit in hits:
            if hit.cosine >= floor and not any(
                _same_content(hit.passage, c.passage) for c in chosen
            ):
                chosen.append(hit)
        return chosen


def _same_content(a: Passage, b: Passage) -> bool:
    """Overlapping spans of one file, or the same words in two places: quoting both says it twice."""
    if a.source_path == b.source_path and a.start < b.end and b.start < a.end:
        return True
    return _words(a.text) == _words(b.text)


@functools.lru_cache(maxsize=65_536)
def _words(text: str) -> str:
    """A passage's words, for comparing contents (kept: the same passages come back question after question)."""
    return " ".join(re.findall(r"\w+", text.casefold()))
