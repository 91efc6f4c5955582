"""Split documents into passages: whole sentences, within one block, sized for the model's window.

A passage is a contiguous span ``document.text[start:end]``. What is embedded may carry the
document's headings in front of it (:func:`embedding_text`); what is quoted is only the span.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass

from bot.ingest.corpus import Document

TokenCounter = Callable[[str], int]
# Where a block ``text[start:end]`` is cut into passages: the passages' (start, end) spans, in order.
Packer = Callable[[str, int, int], Iterable[tuple[int, int]]]

# all-MiniLM-L6-v2 reads 256 word pieces. A passage's own span stays under MAX_PASSAGE_TOKENS so
# the headings in front of it and the [CLS]/[SEP] tokens still fit with room to spare.
MAX_PASSAGE_TOKENS = 180

# A sentence ends at . ! ? or … (with closing quotes or brackets), before white space and a
# capital, digit or opening quote.
_BOUNDARY_RE = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = {
    "e.g",
    "i.e",
    "etc",
    "vs",
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "st",
    "no",
    "fig",
    "approx",
    "cf",
    "al",
    "jr",
    "sr",
    "inc",
    "ltd",
    "mg",
    "min",
    "max",
    "ca",
    "u.s",
    "u.k",
}


_WORD_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.")


@dataclass(frozen=True)
class Passage:
    """A quotable span of a corpus file, with what it takes to cite it."""

    id: str
    doc_id: str
    source_path: str
    title: str
    section: str | None
    headings: tuple[str, ...]
    start: int
    end: int
    text: str
    # The white space between the previous passage of the same document and this one, or None
    # when something else (a heading, a comment) lies between them: two passages may be quoted
    # as one span only when it is white space.
    gap_before: str | None = None
    # The passage's sentences as absolute [start, end) spans of the file, in order: what answers
    # are scored and marked by, sentence by sentence.
    sentences: tuple[tuple[int, int], ...] = ()

    def to_json(self) -> dict:
        return asdict(self) | {
            "headings": list(self.headings),
            "sentences": [list(span) for span in self.sentences],
        }

    @classmethod
    def from_json(cls, data: dict) -> Passage:
        return cls(
            **(
                data
                | {
                    "headings": tuple(data.get("headings") or ()),
                    "sentences": tuple(tuple(span) for span in data.get("sentences") or ()),
                }
            )
        )

    def sentence_texts(self) -> list[str]:
        """Each sentence's verbatim text."""
        return [self.text[start - self.start : end - self.start] for start, end in self.sentences]


def approximate_tokens(text: str) -> int:
    """A word-piece estimate for when no tokenizer is at hand: words, punctuation, long words split."""
    return sum(1 + len(word) // 6 for word in re.findall(r"\w+|[^\w\s]", text))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """The sentences of ``text[start:end]`` as absolute spans, white space between them excluded."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY_RE.finditer(text, start, end):
        if _is_abbreviation(text, cursor, match.start()):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
        while cursor < end and text[cursor].isspace():
            cursor += 1
    if cursor < end:
        tail_end = end
        while tail_end > cursor and text[tail_end - 1].isspace():
            tail_end -= 1
        if tail_end > cursor:
            spans.append((cursor, tail_end))
    return spans


def _is_abbreviation(text: str, sentence_start: int, dot: int) -> bool:
    """True when the period at ``dot`` closes an abbreviation or an initial, not a sentence."""
    if text[dot] != ".":
        return False
    word = _last_word(text, sentence_start, dot)
    if word is None:
        return False
    word = word.lower().rstrip(".")
    return word in _ABBREVIATIONS or (len(word) == 1 and text[dot - 1].isupper())


def _last_word(text: str, start: int, end: int) -> str | None:
    """What ``re.search(r"([A-Za-z][A-Za-z.]*)$", text[start:end])`` finds, found from the end
    (the regex reads the whole sentence: loading an index re-splits every passage)."""
    if end > start and text[end - 1] == "\n":
        end -= 1  # `$` also matches before a final newline
    first = end
    while first > start and text[first - 1] in _WORD_CHARACTERS:
        first -= 1
    while first < end and text[first] == ".":
        first += 1
    return text[first:end] if first < end else None


def split_document(
    document: Document,
    count_tokens: TokenCounter = approximate_tokens,
    max_tokens: int = MAX_PASSAGE_TOKENS,
    *,
    pack: Packer | None = None,
) -> list[Passage]:
    """The passages of one document, in reading order, with stable ids.

    ``pack`` decides where a block is cut into passages; by default, at ``max_tokens`` of
    ``count_tokens`` (:func:`cut_where` re-cuts a block where a stored index cut it).
    """
    if pack is None:
        pack = functools.partial(_pack, count_tokens=count_tokens, max_tokens=max_tokens)
    passages: list[Passage] = []
    seen: dict[str, int] = {}
    previous_end: int | None = None
    for block in document.blocks:
        for start, end in pack(document.text, block.start, block.end):
            text = document.text[start:end]
            gap = document.text[previous_end:start] if previous_end is not None else None
            passages.append(
                Passage(
                    id=passage_id(document.doc_id, text, occurrence=seen.get(text, 0)),
                    doc_id=document.doc_id,
                    source_path=document.source_path,
                    title=document.title,
                    section=block.headings[-1] if block.headings else None,
                    headings=block.headings,
                    start=start,
                    end=end,
                    text=text,
                    gap_before=gap if gap is not None and not gap.strip() else None,
                    sentences=tuple(sentence_spans(document.text, start, end)),
                )
            )
            seen[text] = seen.get(text, 0) + 1
            previous_end = end
    return passages


def split_corpus(
    documents: Iterable[Document], count_tokens: TokenCounter = approximate_tokens
) -> list[Passage]:
    return [p for document in documents for p in split_document(document, count_tokens)]


def cut_where(ends: Iterable[int]) -> Packer:
    """A packer that cuts a block after each of its sentences that ends at one of ``ends``.

    Where a build cut its blocks depends only on the model's tokenizer; everything else about a
    passage follows from the text. So a stored index's passages can be re-derived from the corpus
    text, without the model, by cutting where they end: a passage that does not end on a sentence
    of its block, or straddles two blocks, then comes out different.
    """
    ends = sorted(set(ends))

    def pack(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
        inside = ends[bisect.bisect_right(ends, start) : bisect.bisect_left(ends, end)]
        if not inside:  # most blocks are one passage: no need to find their sentences
            yield start, end
            return
        cuts = set(inside)
        sentences = sentence_spans(text, start, end)
        group_start = 0
        for i, (_, sentence_end) in enumerate(sentences):
            if sentence_end in cuts or i == len(sentences) - 1:
                yield sentences[group_start][0], sentence_end
                group_start = i + 1

    return pack


def _pack(
    text: str, start: int, end: int, count_tokens: TokenCounter, max_tokens: int
) -> Iterator[tuple[int, int]]:
    """Group a block's sentences into spans of at most ``max_tokens``, balanced in size.

    A single sentence longer than the limit stays whole: a quote never cuts a sentence
    (`quotebot corpus lint` reports such sentences).
    """
    if count_tokens(text[start:end]) <= max_tokens:
        yield start, end
        return
    sentences = sentence_spans(text, start, end)
    sizes = [count_tokens(text[s:e]) for s, e in sentences]
    # Aim for evenly sized passages rather than a full one followed by a scrap.
    parts = max(1, -(-sum(sizes) // max_tokens))
    target = min(max_tokens, -(-sum(sizes) // parts))
    group_start, group_size = 0, 0
    for i, size in enumerate(sizes):
        if i > group_start and (group_size + size > max_tokens or group_size >= target):
            yield sentences[group_start][0], sentences[i - 1][1]
            group_start, group_size = i, 0
        group_size += size
    yield sentences[group_start][0], sentences[-1][1]


def passage_id(doc_id: str, text: str, occurrence: int = 0) -> str:
    """A stable id: the same document and span text give the same id on every build."""
    key = f"{doc_id}\x00{text}" + (f"\x00{occurrence}" if occurrence else "")
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def embedding_text(passage: Passage) -> str:
    """What the model reads for a passage: its headings as context, then the verbatim span."""
    if not passage.headings:
        return passage.text
    return " — ".join(passage.headings) + ": " + passage.text
