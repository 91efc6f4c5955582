"""Red-flag triage: does a message describe an emergency or an urgent situation?

Two layers, and a message is urgent when either fires (err toward flagging):

* a lexicon of patterns over the normalised text (case, accents, curly quotes, common
  misspellings and one-letter slips on key words), from ``data/red_flags.toml``;
* a semantic layer: the message's embedding against curated urgent examples, to catch paraphrases
  the patterns miss. It reuses the vector retrieval computes, so it costs one matrix product.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.embedding.encoder import Encoder
from bot.errors import ConfigError
from bot.ingest.folding import strip_accents

DEFAULT_RED_FLAGS_FILE = Path(__file__).parent.parent / "data" / "red_flags.toml"
# Most pressing first: this is the order urgent texts are shown in.
KIND_ORDER = ("crisis", "poisoning", "emergency")
# The semantic layer flags a message when its cosine to the nearest urgent example exceeds its
# cosine to the nearest calm example by this much. Tuned with `quotebot eval --sweep` on
# bot/data/eval/labelled.toml (docs/evaluation.md): 0.10-0.22 catches every urgent message with no
# false alarm; 0.12 sits at the low end of that range, erring toward flagging.
SEMANTIC_THRESHOLD = 0.12
_MIN_WORDS_FOR_SEMANTIC = 3

_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "“": '"', "”": '"'})


@dataclass(frozen=True)
class RedFlag:
    """One kind of urgent situation and how to recognise it."""

    id: str
    kind: str
    any: tuple[re.Pattern, ...]
    all: tuple[tuple[re.Pattern, ...], ...]
    examples: tuple[str, ...]

    def matches(self, normalised: str) -> bool:
        any_of, all_of = self._compiled
        if any_of is not None and any_of.search(normalised):
            return True
        return bool(all_of) and all(group.search(normalised) for group in all_of)

    @functools.cached_property
    def _compiled(self) -> tuple[re.Pattern | None, tuple[re.Pattern, ...]]:
        """Each list of alternatives as one pattern: one search per list, not one per pattern."""
        return _alternation(self.any), tuple(_alternation(group) for group in self.all)


def _alternation(patterns: Sequence[re.Pattern]) -> re.Pattern | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{pattern.pattern})" for pattern in patterns))


@dataclass(frozen=True)
class Triage:
    """The safety layer's verdict on one message."""

    flags: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    semantic_score: float = 0.0  # nearest urgent example's cosine minus nearest calm one's

    @property
    def urgent(self) -> bool:
        return bool(self.flags)


class RedFlagDetector:
    """Finds red flags in messages, by pattern and by similarity to curated examples."""

    def __init__(
        self,
        flags: Sequence[RedFlag],
        misspellings: dict[str, str],
        fuzzy_words: Sequence[str],
        encoder: Encoder | None = None,
        calm_examples: Sequence[str] = (),
        semantic_threshold: float = SEMANTIC_THRESHOLD,
    ) -> None:
        self.flags = tuple(flags)
        self.misspellings = misspellings
        self.fuzzy_words = tuple(fuzzy_words)
        self.encoder = encoder
        self.semantic_threshold = semantic_threshold
        self.calm_examples = tuple(calm_examples)
        # Urgent examples' vectors, then calm examples', as one matrix: one product per batch.
        self._example_matrix: np.ndarray | None = None
        self._urgent_count = 0
        self._example_flags: list[RedFlag] = []
        # The same words come back message after message; the fuzzy search is worth remembering.
        self._correct = functools.lru_cache(maxsize=8192)(self._correct_word)

    def normalise(self, text: str) -> str:
        """Lower case, no accents, straight quotes, single spaces, misspellings corrected."""
        text = strip_accents(text.translate(_QUOTES)).casefold()
        text = re.sub(r"(\w)\1{2,}", r"\1\1", text)  # "feeeever" -> "feever"
        words = re.findall(r"[\w'-]+|[^\w\s'-]", text)
        return " ".join(self._correct(word) for word in words)

    def _correct_word(self, word: str) -> str:
        if word in self.misspellings:
            return self.misspellings[word]
        if len(word) >= 6 and word.isalpha():
            for known in self.fuzzy_words:
                if known[0] == word[0] and _within_one_edit(word, known):
                    return known
        return word

    def check(self, text: str, vector: np.ndarray | None = None) -> Triage:
        return self.check_batch([text], None if vector is None else vector.reshape(1, -1))[0]

    def check_batch(self, texts: Sequence[str], vectors: np.ndarray | None = None) -> list[Triage]:
        """A verdict per message; ``vectors`` (the messages' embeddings) enable the semantic layer."""
        similarities = self._semantic(vectors) if vectors is not None else None
        verdicts = []
        for row, text in enumerate(texts):
            normalised = self.normalise(text)
            matched = [flag for flag in self.flags if flag.matches(normalised)]
            score = 0.0
            if similarities is not None and len(normalised.split()) >= _MIN_WORDS_FOR_SEMANTIC:
                urgent, calm = similarities
                best = int(np.argmax(urgent[row]))
                score = float(urgent[row, best]) - (
                    float(calm[row].max()) if calm.shape[1] else 0.0
                )
                if score >= self.semantic_threshold and self._example_flags[best] not in matched:
                    matched.append(self._example_flags[best])
            kinds = tuple(kind for kind in KIND_ORDER if any(flag.kind == kind for flag in matched))
            verdicts.append(Triage(tuple(flag.id for flag in matched), kinds, score))
        return verdicts

    def _semantic(self, vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Cosines of each message to every urgent example and to every calm example."""
        if self.encoder is None:
            return None
        if self._example_matrix is None:
            examples = [(flag, example) for flag in self.flags for example in flag.examples]
            self._example_flags = [flag for flag, _ in examples]
            texts = [example for _, example in examples] + list(self.calm_examples)
            self._urgent_count = len(examples)
            self._example_matrix = np.ascontiguousarray(self.encoder.encode(texts).T)
        similarities = np.asarray(vectors, dtype=np.float32) @ self._example_matrix
        return similarities[:, : self._urgent_count], similarities[:, self._urgent_count :]


def _within_one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by at most one insertion, deletion, substitution or swap."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (
            len(diffs) == 2
            and diffs[1] == diffs[0] + 1
            and a[diffs[0]] == b[diffs[1]]
            and a[diffs[1]] == b[diffs[0]]
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def load_red_flags(path: Path | None = None, encoder: Encoder | None = None) -> RedFlagDetector:
    """Read the red-flag file; a malformed one is a one-line ConfigError naming the entry."""
    path = path or DEFAULT_RED_FLAGS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"RED_FLAGS_FILE: cannot read {path} ({exc}).") from exc
    flags = []
    for entry in data.get("flag", []):
        name = entry.get("id", "?")
        if entry.get("kind") not in KIND_ORDER:
            raise ConfigError(
                f"RED_FLAGS_FILE: flag {name!r} has kind {entry.get('kind')!r}, expected one of {KIND_ORDER}."
            )
        try:
            flags.append(
                RedFlag(
                    id=name,
                    kind=entry["kind"],
                    any=tuple(re.compile(p) for p in entry.get("any", [])),
                    all=tuple(
                        tuple(re.compile(p) for p in group) for group in entry.get("all", [])
                    ),
                    examples=tuple(entry.get("examples", [])),
                )
            )
        except re.error as exc:
            raise ConfigError(f"RED_FLAGS_FILE: flag {name!r} has a bad pattern ({exc}).") from exc
    if not flags:
        raise ConfigError(f"RED_FLAGS_FILE: {path} defines no [[flag]] entries.")
    return RedFlagDetector(
        flags,
        {k.casefold(): v for k, v in data.get("misspellings", {}).items()},
        data.get("fuzzy", {}).get("words", []),
        encoder,
        data.get("calm", {}).get("examples", []),
    )
