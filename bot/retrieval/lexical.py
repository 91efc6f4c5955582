"""BM25 over the passages: the lexical half of hybrid retrieval (exact terms the model may blur)."""

from __future__ import annotations

import functools
import math
import re
import tomllib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.errors import ConfigError
from bot.ingest.folding import strip_accents

DEFAULT_SYNONYMS_FILE = Path(__file__).resolve().parent.parent / "data" / "synonyms.toml"

# Words that carry no topic in a question; removing them keeps BM25 on the content words. The
# words of asking and chatting ("explain", "cool", "different q") are among them: a word the corpus
# never uses counts against a question being answered, and these say nothing about the subject.
ASKING_WORDS = frozenset(
    [
        "explain", "describe", "define", "definition", "mean", "means", "meaning", "example",
        "examples", "basically", "exactly", "actually", "simply", "simple", "briefly", "quick",
        "quickly", "cool", "ok", "okay", "anyway", "anyways", "nvm", "different", "question", "q",
        "sorry", "hi", "hey", "hello", "thanks", "thank", "um", "uh", "hmm", "wondering", "wonder",
        "curious", "ask", "asking", "wanna", "gonna", "kinda", "sorta", "plz", "pls", "u", "ur",
        "actual", "literally", "genuinely", "truly", "meant", "kindly", "elaborate", "clarify",
        "context",
    ]
)  # fmt: skip
STOPWORDS = ASKING_WORDS | frozenset(
    [
        "a",
        "about",
        "after",
        "again",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "don't",
        "for",
        "from",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "it's",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "whats",
        "what's",
        "hows",
        "how's",
        "whys",
        "wheres",
        "whens",
        "whos",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "anything",
        "something",
        "thing",
        "things",
        "really",
        "please",
        "tell",
        "know",
        "get",
        "got",
        "much",
        "many",
        "lot",
        "lots",
    ]
)


_WORD_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Question words this long and not in the corpus may be misspellings of a corpus word.
MIN_CORRECTED = 6
# A word as typed, for respelling it in place (letters only: numbers and compounds stay).
_TYPED_WORD_RE = re.compile(rf"(?<![\w-])[A-Za-z]{{{MIN_CORRECTED},}}(?![\w-])")


def _one_out(word: str) -> set[str]:
    """``word`` with one of its letters left out, each way."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True)
class Synonyms:
    """Words that mean the same for matching (data/synonyms.toml): groups, and spellings."""

    groups: tuple[tuple[str, ...], ...] = ()
    spellings: tuple[tuple[str, str], ...] = ()

    def respell(self, word: str) -> str:
        """One spelling for words written two ways ("recognised" -> "recognized")."""
        for british, american in self.spellings:
            if word.endswith(british):
                return word[: -len(british)] + american
            if word.startswith(british):
                return american + word[len(british) :]
        return word


def load_synonyms(path: Path | None = None) -> Synonyms:
    """Read the synonyms file; a malformed one is a one-line ConfigError."""
    path = path or DEFAULT_SYNONYMS_FILE
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        groups = tuple(
            tuple(str(word).casefold() for word in group) for group in data.get("groups", [])
        )
        spellings = tuple(
            (str(a).casefold(), str(b).casefold()) for a, b in data.get("spellings", [])
        )
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, TypeError, ValueError) as exc:
        raise ConfigError(f"SYNONYMS_FILE: cannot read {path} ({exc}).") from exc
    return Synonyms(groups, spellings)


class LexicalIndex:
    """BM25 (bm25s) over each passage's title, headings and text, stemmed with Snowball English;
    and each term's inverse document frequency, for weighing the words a question shares with a
    sentence."""

    def __init__(
        self,
        documents: Sequence[str],
        synonyms: Synonyms | None = None,
        *,
        is_word: Callable[[str], bool] | None = None,
    ) -> None:
        """``is_word``: whether a word is one the language has (the model's own vocabulary): such
        a word is never read as a misspelling of a corpus word ("driving" is not "diving")."""
        import bm25s
        import Stemmer

        self._is_word = is_word
        self._stemmer = Stemmer.Stemmer("english")
        self._synonyms = synonyms or Synonyms()
        # The same words come back question after question.
        self._respell = functools.lru_cache(maxsize=65_536)(self._synonyms.respell)
        # Every word of a synonym group stands for the group's first word.
        self._canonical = {
            stem: self._stemmer.stemWord(self._synonyms.respell(group[0]))
            for group in self._synonyms.groups
            for stem in self._stemmer.stemWords([self._synonyms.respell(w) for w in group])
        }
        self._bm25 = bm25s.BM25()
        self._size = len(documents)
        corpus = [self.tokens(text, parts=True) or ["∅"] for text in documents]
        # The corpus's long words, and each with one letter left out: a question's word one
        # slip away from exactly one of them is read as it ("permeabilty", "rhuematoid").
        self._vocabulary = frozenset(
            word
            for text in documents
            for compound in _WORD_RE.findall(strip_accents(text).casefold())
            for word in (compound, *compound.split("-"))
            if len(word) >= MIN_CORRECTED
        )
        # ... and its compounds written as one word ("crock-pot" as "crockpot").
        self._joined = frozenset(
            compound.replace("-", "")
            for text in documents
            for compound in _WORD_RE.findall(strip_accents(text).casefold())
            if "-" in compound
        )
        self._one_out: dict[str, set[str]] = {}
        for word in self._vocabulary:
            for shorter in _one_out(word):
                self._one_out.setdefault(shorter, set()).add(word)
        self._corrected = functools.lru_cache(maxsize=65_536)(self._correct)
        self._bm25.index(corpus, show_progress=False)
        # Each term's BM25 score in every passage, as bm25s keeps them: a question's scores are
        # then a few row additions, where bm25s's own lookup costs several times that per call.
        self._term_scores = _dense_scores(self._bm25)
        frequency = Counter(token for tokens in corpus for token in set(tokens))
        self._idf = {
            token: math.log(1 + (self._size - count + 0.5) / (count + 0.5))
            for token, count in frequency.items()
        }
        self._unseen_idf = math.log(1 + (self._size - 0.5) / 1.5)

    def idf(self, token: str) -> float:
        """How rare a (stemmed) term is across the passages; a term in none is as rare as can be
        (a question about something the corpus never says is mostly not covered by it)."""
        return self._idf.get(token, self._unseen_idf)

    def strange(self, word: str) -> bool:
        """Whether ``word`` is neither the passages' nor one the model reads whole: a name no list
        may hold ("temulawak", "githeri"), or a misspelling nothing mended."""
        folded = word.casefold()
        if len(folded) < MIN_CORRECTED or not folded.isalpha():
            return False
        # ... a plural of one of theirs ("crockpots") is theirs too.
        forms = {folded, folded.removesuffix("s"), folded.removesuffix("es")}
        if forms & (self._vocabulary | self._joined):
            return False
        return self._is_word is not None and not self._is_word(folded)

    def unknown(self, text: str) -> list[str]:
        """The content words of ``text`` the passages never use ("bedsheets" in "how often should
        I wash my bedsheets?"), as tokens."""
        return [token for token in self.tokens(text) if token not in self._idf]

    def knows(self, text: str) -> bool:
        """Whether a content word of ``text`` is one the passages use ("stress", "gut")."""
        return any(token in self._idf for token in self.tokens(text))

    def tokens(self, text: str, *, parts: bool = False) -> list[str]:
        """The stemmed content words of ``text``, accents and case folded away. ``parts``: a
        compound counts as its parts too (what is indexed: "glutamine" then finds "L-glutamine",
        and "long term damage" finds "long-term damage")."""
        text = strip_accents(text)
        respell = self._respell
        words = [respell(w) for w in _WORD_RE.findall(text.casefold()) if w not in STOPWORDS]
        if not parts and self._one_out:
            words = [self._corrected(word) for word in words]
        if parts:
            words += [
                part
                for word in words
                if "-" in word
                for part in word.split("-")
                if len(part) > 1 and part not in STOPWORDS
            ]
        canonical = self._canonical
        return [canonical.get(stem, stem) for stem in self._stemmer.stemWords(words)]

    def respelled(self, text: str) -> str:
        """``text`` with each word one slip away from exactly one corpus word written as that
        word ("probiotcs worth it" -> "probiotics worth it"), every other character as written:
        what the model reads too, which knows the misspelling less well than the word."""
        if not self._one_out:
            return text

        def fix(match: re.Match) -> str:
            word = match.group(0)
            folded = word.casefold()
            corrected = self._corrected(folded)
            return word if corrected == folded else corrected

        return _TYPED_WORD_RE.sub(fix, text)

    def _correct(self, word: str) -> str:
        """``word``, or the one corpus word it misspells by a letter left out, a letter too many
        or two letters swapped (none when two fit). A letter changed is not corrected: "height"
        and "weight", "making" and "taking" are both words."""
        if len(word) < MIN_CORRECTED or word in self._vocabulary or not word.isalpha():
            return word
        if self._is_word is not None and self._is_word(word):
            return word
        fits = set(self._one_out.get(word, ()))  # a letter left out
        fits |= {shorter for shorter in _one_out(word) if shorter in self._vocabulary}
        fits |= {
            swapped
            for i in range(len(word) - 1)
            if (swapped := word[:i] + word[i + 1] + word[i] + word[i + 2 :]) in self._vocabulary
        }
        return fits.pop() if len(fits) == 1 else word

    def _scores(self, tokens: list[str]) -> np.ndarray:
        """Each passage's BM25 score for ``tokens``: bm25s's ``get_scores``, the same float32 sums
        added term by term in the same order (a term no passage has adds nothing)."""
        if self._term_scores is None:
            return self._bm25.get_scores(tokens)
        scores = np.zeros(self._size, dtype=np.float32)
        for token in tokens:
            row = self._term_scores.get(token)
            if row is not None:
                scores += row
        return scores

    def top(self, query: str | list[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best-scoring passage rows for ``query`` (text, or its tokens), best first;
        only passages sharing a term with it."""
        tokens = self.tokens(query) if isinstance(query, str) else query
        if not tokens or self._size == 0:
            return []
        scores = self._scores(tokens)
        k = min(k, self._size)
        rows = np.argpartition(-scores, k - 1)[:k]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return [(int(row), float(scores[row])) for row in rows if scores[row] > 0]


def _dense_scores(bm25) -> dict[str, np.ndarray] | None:
    """Per term, its score in every document (zero where absent), from a bm25s index's sparse
    columns; None for a variant that scores the terms a document lacks (not laid out here)."""
    if getattr(bm25, "nonoccurrence_array", None) is not None:
        return None
    data, indices, indptr = (bm25.scores[key] for key in ("data", "indices", "indptr"))
    dense = {}
    for token, column in bm25.vocab_dict.items():
        row = np.zeros(bm25.scores["num_docs"], dtype=np.dtype(bm25.dtype))
        if column + 1 < len(indptr):
            start, end = indptr[column], indptr[column + 1]
            row[indices[start:end]] = data[start:end]
            dense[token] = row
    return dense
