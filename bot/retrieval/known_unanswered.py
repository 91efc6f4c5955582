"""Questions people have asked that the articles do not answer: what keeps a passage from being
quoted under a question it only seems to answer.

The development sets' out-of-scope questions (``[[unanswered]]`` in
``bot/data/known_questions.toml``, written by ``quotebot known-questions``, never from a held-out
part) were each judged, by a writer who read the articles, to have no answer in them. Their
writers, working apart, keep asking the same things: when to take a probiotic, how a knee
replacement heals, why knees crack, whether a leaky gut causes brain fog. Each of those finds a
passage that shares its words (the healing steps name probiotics; the weeks-and-months sentence
says how long) and would be quoted as if it answered. A new question this near one of them, and
nearer to it than to any question a passage is known to answer, is told the articles do not
answer it.

The judgement holds for the articles it was made on: the file keeps each one's SHA-256
(``[judged]``). A passage of an article added or changed since is evidence of its own: while one
of them is among what would be quoted, the known questions stand aside.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from bot.embedding.encoder import Encoder
from bot.embedding.int8_products import Int8Products
from bot.embedding.vector_cache import kept_vectors
from bot.errors import ConfigError
from bot.ingest.passages import Passage
from bot.retrieval.known_questions import DEFAULT_KNOWN_QUESTIONS_FILE, read_known_file

# How near (cosine) a new question must be to a known unanswered one, and how much nearer than to
# any question a passage is known to answer. Chosen by reading each development set against the
# others' questions (docs/evaluation.md): of the 94 out-of-scope questions the sets' answers then
# quoted something for, 40 were near enough; of 2,477 paraphrases, none.
NEAR_UNANSWERED = 0.78
UNANSWERED_MARGIN = 0.12


@dataclass(frozen=True)
class Unanswered:
    """The known unanswered questions and the articles (source path -> SHA-256) they were judged
    against."""

    questions: tuple[str, ...] = ()
    judged: Mapping[str, str] = field(default_factory=dict)


def load_unanswered(path: Path = DEFAULT_KNOWN_QUESTIONS_FILE) -> Unanswered:
    """The file's unanswered questions and the articles they were judged against (none when there
    is no file); a bad one is a one-line ConfigError."""
    if not path.exists():
        return Unanswered()
    try:
        data = read_known_file(path)
        judged = data.get("judged", {}).get("articles", {})
        return Unanswered(
            tuple(str(entry["q"]) for entry in data.get("unanswered", [])),
            {str(name): str(sha) for name, sha in judged.items()},
        )
    except (
        OSError,
        UnicodeDecodeError,
        tomllib.TOMLDecodeError,
        KeyError,
        TypeError,
        AttributeError,
    ) as exc:
        raise ConfigError(
            f"cannot read {path} ({exc}); rebuild it with `quotebot known-questions`."
        ) from exc


class KnownUnanswered:
    """Known unanswered questions, on one index's articles, with their vectors."""

    def __init__(
        self,
        unanswered: Unanswered,
        corpus_files: Mapping[str, str],
        encoder: Encoder,
        cache_dir: Path | None = None,
    ) -> None:
        # The articles the index holds as they were judged: only their passages can be set aside.
        self.judged_paths = frozenset(
            path for path, sha in corpus_files.items() if unanswered.judged.get(path) == sha
        )
        self.questions = len(unanswered.questions) if self.judged_paths else 0
        self._products: Int8Products | None = None
        if self.questions:
            vectors = unanswered_vectors(unanswered.questions, encoder, cache_dir)
            self._products = Int8Products(np.asarray(vectors, dtype=np.float32).T)

    def __bool__(self) -> bool:
        return self._products is not None

    def nearest(self, vectors: np.ndarray) -> np.ndarray:
        """Per question vector, the highest cosine to a known unanswered question (-1: none)."""
        if self._products is None:
            return np.full(len(vectors), -1.0, dtype=np.float32)
        return self._products(vectors).max(axis=1)

    def sets_aside(
        self, near: float, nearest_known_answer: float, quoted: Sequence[Passage]
    ) -> bool:
        """Whether a question ``near`` a known unanswered one, and ``nearest_known_answer`` to a
        question a passage is known to answer, is left unanswered rather than quoted ``quoted``."""
        return (
            bool(quoted)
            and near >= NEAR_UNANSWERED
            and near - nearest_known_answer >= UNANSWERED_MARGIN
            and all(passage.source_path in self.judged_paths for passage in quoted)
        )


def unanswered_vectors(
    questions: Sequence[str], encoder: Encoder, cache_dir: Path | None
) -> np.ndarray:
    """The questions' vectors, kept beside the models (`quotebot model export` makes them)."""
    return kept_vectors(encoder, list(questions), cache_dir, "known-unanswered")
