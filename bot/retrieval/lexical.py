"""BM25 over the passages: the lexical half of hybrid retrieval (exact terms the model may blur)."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence

import numpy as np

# Words that carry no topic in a question; removing them keeps BM25 on the content words.
STOPWORDS = frozenset(
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


class LexicalIndex:
    """BM25 (bm25s) over each passage's title, headings and text, stemmed with Snowball English;
    and each term's inverse document frequency, for weighing the words a question shares with a
    sentence."""

    def __init__(self, documents: Sequence[str]) -> None:
        import bm25s
        import Stemmer

        self._stemmer = Stemmer.Stemmer("english")
        self._bm25 = bm25s.BM25()
        self._size = len(documents)
        corpus = [self.tokens(text) or ["∅"] for text in documents]
        self._bm25.index(corpus, show_progress=False)
        frequency = Counter(token for tokens in corpus for token in set(tokens))
        self._idf = {
            token: math.log(1 + (self._size - count + 0.5) / (count + 0.5))
            for token, count in frequency.items()
        }

    def idf(self, token: str) -> float:
        """How rare a (stemmed) term is across the passages; 0 for one that occurs in none."""
        return self._idf.get(token, 0.0)

    def tokens(self, text: str) -> list[str]:
        """The stemmed content words of ``text``, accents and case folded away."""
        if not text.isascii():
            text = unicodedata.normalize("NFKD", text)
            text = "".join(ch for ch in text if not unicodedata.combining(ch))
        words = [w for w in _WORD_RE.findall(text.casefold()) if w not in STOPWORDS]
        return self._stemmer.stemWords(words)

    def top(self, query: str | list[str], k: int) -> list[tuple[int, float]]:
        """The ``k`` best-scoring passage rows for ``query`` (text, or its tokens), best first;
        only passages sharing a term with it."""
        tokens = self.tokens(query) if isinstance(query, str) else query
        if not tokens or self._size == 0:
            return []
        scores = self._bm25.get_scores(tokens)
        k = min(k, self._size)
        rows = np.argpartition(-scores, k - 1)[:k]
        rows = rows[np.argsort(-scores[rows], kind="stable")]
        return [(int(row), float(scores[row])) for row in rows if scores[row] > 0]
