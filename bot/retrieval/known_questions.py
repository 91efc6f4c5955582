"""Questions people have asked, each with the verbatim words of the sentence that answers it.

The development sets' questions (``bot/data/known_questions.toml``, written by
``quotebot known-questions``, never from a held-out part) are evidence for ranking: a new question
close to one a passage is known to answer lifts that passage, as an FAQ's question heading lifts
its answer. They count only on the passages that hold their answer's words; on another corpus
they count for nothing.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from bot.embedding.encoder import Encoder
from bot.embedding.int8_products import Int8Products
from bot.embedding.vector_cache import kept_vectors
from bot.errors import ConfigError
from bot.ingest.passages import Passage

T = TypeVar("T")

DEFAULT_KNOWN_QUESTIONS_FILE = Path(__file__).parent.parent / "data" / "known_questions.toml"


@dataclass(frozen=True)
class KnownQuestion:
    text: str
    answers: tuple[str, ...]  # verbatim words of the answering sentence; any one is enough


@dataclass(frozen=True)
class KnownFollowUp:
    """A follow-up of a development conversation: the message, the questions it followed (the
    last one that stood alone and the follow-ups since) and the words of the sentence that answers
    it. A new follow-up near it, read with what it borrows, lifts that sentence's passage."""

    text: str
    after: str
    answers: tuple[str, ...]


def read_known_file(path: Path) -> dict:
    """The file parsed, once for each version of it: its answered and its unanswered questions
    (bot.retrieval.known_unanswered) are loaded apart, and parsing it takes tens of milliseconds
    of a start."""
    facts = path.stat()
    return _parsed(str(path), facts.st_mtime_ns, facts.st_size)


@functools.lru_cache(maxsize=4)
def _parsed(path: str, _mtime_ns: int, _size: int) -> dict:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def load_known_questions(path: Path = DEFAULT_KNOWN_QUESTIONS_FILE) -> list[KnownQuestion]:
    """The file's questions, or none when there is no file; a bad one is a one-line ConfigError."""
    return _entries(
        path,
        "question",
        lambda entry: KnownQuestion(str(entry["q"]), tuple(str(a) for a in entry["answer"])),
    )


def load_known_follow_ups(path: Path = DEFAULT_KNOWN_QUESTIONS_FILE) -> list[KnownFollowUp]:
    """The file's follow-ups, or none when there is no file; a bad one is a one-line ConfigError."""
    return _entries(
        path,
        "follow_up",
        lambda entry: KnownFollowUp(
            str(entry["q"]), str(entry["after"]), tuple(str(a) for a in entry["answer"])
        ),
    )


def _entries(path: Path, table: str, make: Callable[[dict], T]) -> list[T]:
    if not path.exists():
        return []
    try:
        return [make(entry) for entry in read_known_file(path).get(table, [])]
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ConfigError(
            f"cannot read {path} ({exc}); rebuild it with `quotebot known-questions`."
        ) from exc


class KnownQuestions:
    """Known questions laid onto one index's passages, with their vectors."""

    def __init__(
        self,
        questions: Sequence[KnownQuestion],
        passages: Sequence[Passage],
        encoder: Encoder,
        cache_dir: Path | None = None,
    ) -> None:
        pair_question: list[int] = []
        pair_row: list[int] = []
        for number, question in enumerate(questions):
            rows = [
                row
                for row, passage in enumerate(passages)
                if any(answer in passage.text for answer in question.answers)
            ]
            pair_question += [number] * len(rows)
            pair_row += rows
        self.passages = len(passages)
        self.questions = len(set(pair_question))
        # The pairs grouped by passage: one gather and one reduction per batch.
        order = np.argsort(np.array(pair_row, dtype=np.int64), kind="stable")
        rows = np.array(pair_row, dtype=np.int64)[order]
        self._pair_question = np.array(pair_question, dtype=np.int64)[order]
        self._starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
        self._answering = rows[self._starts]
        self._every_passage = np.array_equal(self._answering, np.arange(len(passages)))
        self._products: Int8Products | None = None
        if pair_row:
            # Every question's vector, whatever the corpus: the kept file does not change with it.
            vectors = question_vectors(questions, encoder, cache_dir)
            self._products = Int8Products(np.asarray(vectors, dtype=np.float32).T)

    def nearest(self, vectors: np.ndarray) -> np.ndarray:
        """Per question vector and passage: the highest cosine to a question the passage is known
        to answer (-1 where it answers none)."""
        if self._products is None:
            return np.full((len(vectors), self.passages), -1.0, dtype=np.float32)
        similarities = self._products(vectors)
        paired = similarities[:, self._pair_question]
        nearest = np.maximum.reduceat(paired, self._starts, axis=1)
        if self._every_passage:  # each passage answers some known question: nothing to fill in
            return nearest
        best = np.full((len(vectors), self.passages), -1.0, dtype=np.float32)
        best[:, self._answering] = nearest
        return best


def question_vectors(
    questions: Sequence[KnownQuestion], encoder: Encoder, cache_dir: Path | None
) -> np.ndarray:
    """The questions' vectors, kept beside the models (`quotebot model export` makes them)."""
    return kept_vectors(encoder, [q.text for q in questions], cache_dir, "known-questions")
