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
from bot.retrieval.known_questions import KnownQuestions
from bot.retrieval.lexical import LexicalIndex

# Tuned with `quotebot eval --sweep` on the dev set and on COVID-QA's dev questions
# (docs/evaluation.md).
MIN_SCORE = 0.34  # the best candidate's cosine below this: nothing is quoted
SCORE_MARGIN = 0.25  # a further quote's cosine must be within this of the best one
FURTHER_MIN_SCORE = 0.20  # … and at least this (lexically strong passages can score low)
# The lexical evidence added to the cosine for ordering: LEXICAL_WEIGHT * bm25 / (bm25 +
# LEXICAL_SATURATION), plus COVERAGE_WEIGHT times the share of the question's words (by rarity)
# that one sentence of the passage holds (the answer to a question usually says most of what it
# asks in one sentence). Saturating the raw BM25 score lets rare, specific words count for much and
# common ones ("gut", "pain") for little. Chosen on three dev sets at once (docs/evaluation.md):
# COVID-QA's scientific questions want more lexical weight (1.0 and 0.6: span recall@3 0.736),
# paraphrased questions about the two articles and an FAQ less (0.25 and 0.45: 0.720 on COVID-QA,
# 0.871 and 0.914 on the paraphrase sets, against 0.857 and 0.871).
LEXICAL_WEIGHT = 0.25
LEXICAL_SATURATION = 5.0
COVERAGE_WEIGHT = 0.45
CANDIDATES = 30
# Passages kept for a question at most: the answer's and those "More passages" can show.
MAX_SELECTED = 12
# Candidates of each question returned, best first (enough for MAX_SELECTED after filtering).
KEPT = 24
# A sentence (or heading) holding this share of the question's rare words answers it on its own,
# whatever the model thinks ("whats molecular mimicry" names a section the model reads poorly).
LEXICAL_EVIDENCE = 0.8
# A passage known to answer a question near the new one (bot.retrieval.known_questions) gains
# KNOWN_WEIGHT times the cosine above KNOWN_FLOOR, and is a candidate from that floor up. Chosen
# by reading each development answer set against the others' questions only (docs/evaluation.md).
KNOWN_WEIGHT = 3.0
KNOWN_FLOOR = 0.5
# ... and a question this near a known one is answered by its passage even when the passage's own
# cosine is below MIN_SCORE (a short question asked again in other words). Chosen the same way:
# dev8 0.900 -> 0.911, dev12 0.900 -> 0.909, out-of-scope refusals unchanged.
KNOWN_SURE = 0.8
# A question naming a subject the articles speak of ("is sugar bad for my gut"), whose remaining
# candidates all name it too, is answered from this much below ``min_score``: the name is evidence
# the model weighs little. Chosen by reading each development set against the others' known
# questions: paraphrases 0.937 -> 0.940 at 3, out-of-scope refusals unchanged (docs/evaluation.md).
NAMED_SUBJECT_RELIEF = 0.09


# Not frozen: two dozen are made per question, and a frozen dataclass sets each field through
# object.__setattr__ (three times the cost). Nothing changes a hit once made.
@dataclass(slots=True)
class Hit:
    """A candidate passage for a question, with its calibrated (cosine) and fused scores."""

    passage: Passage
    row: int
    # The question's cosine to the passage or to its closest sentence, whichever is higher: the
    # calibrated score, with the same meaning for every question (it decides relevance).
    cosine: float
    fused: float  # cosine + lexical evidence: the order, not the decision
    # One per sentence of the passage: its cosine to the question plus the weighted share of the
    # question's words it holds (what marks the sentence that answers).
    sentence_scores: tuple[float, ...] = ()
    # The largest share of the question's terms (weighted by rarity, words the corpus never uses
    # counted too) one sentence with its headings holds: 1.0 when it names all the question asks.
    coverage: float = 0.0
    # The cosine of the question to the nearest question this passage is known to answer (-1: none).
    asked: float = -1.0


class Retriever:
    """Ranks passages for questions and keeps those relevant enough to quote.

    Dense evidence comes from passages and from their single sentences (a short passage's
    question-like heading counts; a long passage's one answering sentence counts as much as a
    short passage that is that sentence); lexical evidence from BM25 over title, headings and text.
    """

    def __init__(
        self,
        index: PassageIndex,
        lexical: LexicalIndex | None = None,
        *,
        min_score: float = MIN_SCORE,
        score_margin: float = SCORE_MARGIN,
        lexical_weight: float = LEXICAL_WEIGHT,
        lexical_saturation: float = LEXICAL_SATURATION,
        coverage_weight: float = COVERAGE_WEIGHT,
        candidates: int = CANDIDATES,
        further_floor: float | None = None,
        lexical_evidence: float = LEXICAL_EVIDENCE,
        kept: int = KEPT,
        known: KnownQuestions | None = None,
        known_weight: float = KNOWN_WEIGHT,
        known_floor: float = KNOWN_FLOOR,
        follow_ups: KnownQuestions | None = None,
    ) -> None:
        self.index = index
        self.known = known if known is not None and known.questions else None
        # Follow-ups of the development conversations, as read with what they borrowed: they
        # count only for a follow-up read the same way.
        self.follow_ups = follow_ups if follow_ups is not None and follow_ups.questions else None
        self.known_weight = known_weight
        self.known_floor = known_floor
        self.lexical = (
            lexical if lexical is not None else LexicalIndex(lexical_texts(index.passages))
        )
        self.min_score = min_score
        self.score_margin = score_margin
        self.lexical_weight = lexical_weight
        self.lexical_saturation = lexical_saturation
        self.coverage_weight = coverage_weight
        self.candidates = candidates
        # Once the best candidate has passed min_score, further ones need only this cosine.
        self.further_floor = (
            min(min_score, FURTHER_MIN_SCORE) if further_floor is None else further_floor
        )
        self.lexical_evidence = lexical_evidence
        self.kept = kept
        # Each sentence's terms, with its headings' (an FAQ's question heading is part of what
        # its answer sentence says), as the question's are counted against them: term ids laid
        # end to end, sentence after sentence, so that a question's coverage is a few array ops.
        self._term_ids: dict[str, int] = {}
        ids: list[int] = []
        lengths: list[int] = []
        for passage in index.passages:
            for text in passage.sentence_texts():
                terms = set(self.lexical.tokens(" ".join((*passage.headings, text)), parts=True))
                ids.extend(self._term_ids.setdefault(term, len(self._term_ids)) for term in terms)
                lengths.append(len(terms))
        self._sentence_term_ids = np.array(ids, dtype=np.int64)
        self._sentence_term_counts = np.array(lengths, dtype=np.int64)
        self._sentence_term_starts = (
            np.cumsum(self._sentence_term_counts) - self._sentence_term_counts
        )
        self._term_weights = np.zeros(len(self._term_ids) + 1, dtype=np.float64)
        # An index no larger than the candidates asked for: every passage is one, and searching
        # for them would only say so (a corpus of a few articles). Where their sentences lie is
        # then the same for every question: worked out once.
        self._every = (
            self._layout(np.arange(len(index), dtype=np.int64))
            if 0 < len(index) <= candidates
            else None
        )

    def rank_batch(
        self, questions: Sequence[str], vectors: np.ndarray, borrowing: Sequence[int] = ()
    ) -> list[list[Hit]]:
        """The best ``kept`` candidates of each question, best first by fused score.
        ``borrowing``: the rows that are follow-ups read with what they borrow."""
        if len(self.index) == 0:
            return [[] for _ in questions]
        index = self.index
        known = self.known.nearest(vectors) if self.known is not None else None
        if self.follow_ups is not None and len(borrowing):
            rows = np.asarray(borrowing, dtype=np.int64)
            near = self.follow_ups.nearest(vectors[rows])
            if known is None:
                known = np.full((len(vectors), len(index)), -1.0, dtype=np.float32)
            known[rows] = np.maximum(known[rows], near)
        every = self._every
        if every is None:
            _, passage_rows = index.search_rows(vectors, self.candidates)
            _, sentence_rows = index.search_sentence_rows(vectors, 2 * self.candidates)
        ranked = []
        for i, question in enumerate(questions):
            terms = self.lexical.tokens(question)
            lexical = dict(self.lexical.top(terms, self.candidates))
            asked = known[i] if known is not None else None
            layout = (
                every
                if every is not None
                else self._layout(self._candidates(i, passage_rows, sentence_rows, lexical, asked))
            )
            ranked.append(self._score(layout, vectors[i], lexical, set(terms), asked))
        return ranked

    def _candidates(
        self,
        i: int,
        passage_rows: np.ndarray,
        sentence_rows: np.ndarray,
        lexical: dict[int, float],
        asked: np.ndarray | None,
    ) -> np.ndarray:
        """Question ``i``'s candidate passages: FAISS's nearest passages and sentences, BM25's
        best, and those known to answer a question near it."""
        rows = set(passage_rows[i][passage_rows[i] >= 0].tolist())
        rows.update(self.index.sentence_passage[sentence_rows[i][sentence_rows[i] >= 0]].tolist())
        rows.update(lexical)
        if asked is not None:
            rows.update(np.flatnonzero(asked >= self.known_floor).tolist())
        return np.fromiter(sorted(rows), dtype=np.int64)

    def _layout(self, rows: np.ndarray) -> _Layout:
        """Where the sentences of the candidate passages ``rows`` lie, and their terms."""
        firsts, lasts = self.index.first_sentence[rows], self.index.first_sentence[rows + 1]
        counts = lasts - firsts
        sentence_rows = np.repeat(firsts - np.cumsum(counts) + counts, counts) + np.arange(
            counts.sum()
        )
        offsets = np.cumsum(counts) - counts
        term_counts = self._sentence_term_counts[sentence_rows]
        starts = self._sentence_term_starts[sentence_rows]
        term_positions = np.repeat(
            starts - np.cumsum(term_counts) + term_counts, term_counts
        ) + np.arange(term_counts.sum())
        # Every passage and every sentence in order: _score multiplies the matrices uncopied.
        whole = np.array_equal(rows, np.arange(len(self.index))) and np.array_equal(
            sentence_rows, np.arange(len(self.index.sentence_vectors))
        )
        return _Layout(
            rows,
            rows.tolist(),
            sentence_rows,
            offsets,
            offsets.tolist(),
            counts.tolist(),
            self._sentence_term_ids[term_positions],
            np.repeat(np.arange(len(sentence_rows)), term_counts),
            bool(whole),
        )

    def _coverage(self, terms: set[str], layout: _Layout) -> tuple[np.ndarray, float]:
        """For each sentence, the share of the question's terms (weighted by rarity) it holds,
        among the terms the corpus has (what orders passages); and the part of the question's
        weight those terms carry (words the corpus never uses count against answering at all)."""
        sentences = len(layout.sentence_rows)
        weights = {term: self.lexical.idf(term) for term in terms}
        known = [(self._term_ids[t], w) for t, w in weights.items() if t in self._term_ids and w]
        total = sum(w for _, w in known)
        if not total:
            return np.zeros(sentences), 0.0
        columns = [column for column, _ in known]
        self._term_weights[columns] = [weight for _, weight in known]
        try:
            found = self._term_weights[layout.sentence_terms]
        finally:
            self._term_weights[columns] = 0.0
        shares = np.bincount(layout.term_owners, weights=found, minlength=sentences) / total
        return shares, total / sum(weights.values())

    def _score(
        self,
        layout: _Layout,
        vector: np.ndarray,
        lexical: dict[int, float],
        terms: set[str],
        asked: np.ndarray | None = None,
    ) -> list[Hit]:
        """The candidates ``layout.rows`` scored and ordered; ``asked``: per passage, the cosine
        to the nearest question it is known to answer."""
        index = self.index
        rows, offsets = layout.rows, layout.offsets
        if layout.whole:  # the same products as of the copies below (checked bit for bit)
            passage_cosines = index.passage_vectors @ vector
            sentence_cosines = index.sentence_vectors @ vector
        else:
            passage_cosines = index.passage_vectors[rows] @ vector
            sentence_cosines = index.sentence_vectors[layout.sentence_rows] @ vector
        best_sentence = np.maximum.reduceat(sentence_cosines, offsets)
        cosines = np.maximum(passage_cosines, best_sentence)
        coverage, known = self._coverage(terms, layout)
        sentence_scores = sentence_cosines + self.coverage_weight * coverage
        best_share = np.maximum.reduceat(coverage, offsets)
        bm25 = np.array([lexical.get(row, 0.0) for row in layout.row_list])
        fused = (
            cosines
            + self.lexical_weight * bm25 / (bm25 + self.lexical_saturation)
            + self.coverage_weight * best_share
        )
        if asked is not None:
            # Ordering only: whether a passage is relevant enough stays its own cosine's call.
            fused = fused + self.known_weight * np.maximum(asked[rows] - self.known_floor, 0.0)
        order = np.lexsort((-cosines, -fused))[: self.kept].tolist()
        rows, cosines, fused = layout.row_list, cosines.tolist(), fused.tolist()
        evidence = (best_share * known).tolist()
        near = asked[rows].tolist() if asked is not None else [-1.0] * len(rows)
        scores, offsets, counts = sentence_scores.tolist(), layout.offset_list, layout.count_list
        return [
            Hit(
                index.passages[rows[j]],
                rows[j],
                cosines[j],
                fused[j],
                tuple(scores[offsets[j] : offsets[j] + counts[j]]),
                evidence[j],
                near[j],
            )
            for j in order
        ]

    def select(self, hits: Sequence[Hit], *, named: bool = False) -> list[Hit]:
        """The candidates worth quoting, in fused order: relevant enough, close to the best, distinct.

        A question is answered when its best candidate's cosine reaches ``min_score``, or when a
        candidate shares the question's rare words strongly enough (``lexical_evidence``), however
        low its cosine: "zinc?", "research?" and "mimicry" name a sentence the model reads
        poorly in one word. Such a candidate is then quoted whatever the floor of the others.
        ``named``: every hit names a subject the question names; the bar is lower by
        ``NAMED_SUBJECT_RELIEF``. A passage known to answer a question this near
        (``KNOWN_SURE``) is never left out for a cosine further below the best than the margin.
        """
        if not hits:
            return []
        min_score = self.min_score - (NAMED_SUBJECT_RELIEF if named else 0.0)
        best = max(hit.cosine for hit in hits)
        covered = {hit.row for hit in hits if hit.coverage >= self.lexical_evidence}
        sure = [hit for hit in hits if hit.asked >= KNOWN_SURE]
        if best >= min_score:
            covered = set()  # answered by the model: the words only order the candidates
        elif not covered and not sure:
            return []
        floor = max(self.further_floor, best - self.score_margin)
        if sure and best < min_score:
            floor = min(floor, min(hit.cosine for hit in sure))
        chosen: list[Hit] = []
        for hit in hits:
            if len(chosen) == MAX_SELECTED:
                break
            if (hit.cosine >= floor or hit.row in covered or hit.asked >= KNOWN_SURE) and not any(
                _same_content(hit.passage, c.passage) for c in chosen
            ):
                chosen.append(hit)
        return chosen


@dataclass(frozen=True)
class _Layout:
    """Candidate passages and where their sentences and the sentences' terms lie: what scoring
    them needs besides the question."""

    rows: np.ndarray  # the passages
    row_list: list[int]
    sentence_rows: np.ndarray  # their sentences, passage after passage
    offsets: np.ndarray  # where each passage's sentences start among them
    offset_list: list[int]
    count_list: list[int]  # how many sentences each passage has
    sentence_terms: np.ndarray  # the sentences' term ids, laid end to end
    term_owners: np.ndarray  # ... and which sentence (among ``sentence_rows``) each belongs to
    # Every passage and every sentence of the index, in order (a corpus of a few articles).
    whole: bool = False


def _same_content(a: Passage, b: Passage) -> bool:
    """Overlapping spans of one file, or the same words in two places: quoting both says it twice."""
    if a.source_path == b.source_path and a.start < b.end and b.start < a.end:
        return True
    return _words(a.text) == _words(b.text)


@functools.lru_cache(maxsize=65_536)
def _words(text: str) -> str:
    """A passage's words, for comparing contents (kept: the same passages come back question after question)."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def lexical_texts(passages: Sequence[Passage]) -> list[str]:
    """What BM25 reads of each passage: its article's title, its headings and its text."""
    return [" ".join((p.title, *p.headings, p.text)) for p in passages]
