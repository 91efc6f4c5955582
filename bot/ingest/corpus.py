"""Read the corpus: find its files, parse front matter and Markdown structure, keep exact offsets.

A document's ``text`` is its file decoded as UTF-8 with newlines left as they are, so that every
offset quotebot stores points into exactly what is on disk. Parsing yields *blocks*: paragraphs and
list items of article text, each a ``[start, end)`` span of ``text``, with the headings above it.
Headings, front matter, code, comments and tables are structure, never article text.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import CorpusError
from bot.ingest.corpus_files import (  # noqa: F401 - re-exported: where callers look for them
    DEFAULT_MAX_FILE_BYTES,
    IGNORED_NAMES,
    SUFFIXES,
    decode_source,
    list_corpus_files,
    read_source_bytes,
    read_source_text,
    relative_source_path,
)

_HEADING_RE = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(```|~~~)")
_LIST_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE_RE = re.compile(r"^ {0,3}>[ \t]?")
_RULE_RE = re.compile(r"^ {0,3}([-*_])([ \t]*\1){2,}[ \t]*$")
# Plain-text lines that are a link, an identifier or a page number, not article text.
_NOISE_RE = re.compile(
    r"^(?:https?://\S+|www\.\S+|(?:sha|doi|pmid|pmcid|isbn|issn)\s*:?\s*\S+|"
    r"page \d+(?: of \d+)?|\d+)$",
    re.IGNORECASE,
)
# Sections after an article's text: their paragraphs are citations and credits, not answers.
_BACK_MATTER_RE = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:references?|bibliography|works cited|acknowledge?ments?|"
    r"funding(?: sources?)?|competing interests?|conflicts? of interests?|declaration of interests?|"
    r"author contributions?|supplementary (?:material|information|data)|abbreviations)\s*:?\s*$",
    re.IGNORECASE,
)
MAX_HEADING_WORDS = 10
MAX_QUESTION_HEADING_WORDS = 20


@dataclass(frozen=True)
class Block:
    """A paragraph or list item of article text: ``text[start:end]`` of its document."""

    start: int
    end: int
    headings: tuple[str, ...] = ()
    line: int = 1


@dataclass(frozen=True)
class SourceDocument:
    """What an answer cites a corpus file by (the index's manifest keeps one per file)."""

    doc_id: str
    title: str
    source: str | None  # the article's URL, where the front matter gives one
    source_path: str  # relative to the corpus directory, with forward slashes
    short_title: str = ""  # what a quote is cited by: front matter `short_title`, or derived

    @property
    def cited_as(self) -> str:
        return self.short_title or short_title(self.title)


@dataclass(frozen=True)
class Document:
    """One corpus file, parsed."""

    doc_id: str
    source_path: str  # relative to the corpus directory, with forward slashes
    title: str
    text: str
    sha256: str
    blocks: tuple[Block, ...]
    source: str | None = None
    language: str = "en"
    meta: dict[str, str] = field(default_factory=dict)

    def citation(self) -> SourceDocument:
        return SourceDocument(
            self.doc_id,
            self.title,
            self.source,
            self.source_path,
            self.meta.get("short_title") or short_title(self.title),
        )


def read_corpus(corpus_dir: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> list[Document]:
    """Parse every article file; raise :class:`CorpusError` when there is none or one is unreadable."""
    paths = list_corpus_files(corpus_dir)
    if not paths:
        raise CorpusError(
            f"Corpus directory {corpus_dir} has no .md or .txt files; add articles, then run "
            "`quotebot index build`."
        )
    documents = [read_document(path, corpus_dir, max_file_bytes) for path in paths]
    if clashes := shared_ids(documents):
        raise clashes[0]
    return documents


def shared_ids(documents: Sequence[Document]) -> list[CorpusError]:
    """An error for each document whose id an earlier one already has: quotes are shown under
    their article's title and link, found by id, so one of the two would be shown under the other's."""
    first: dict[str, str] = {}
    clashes = []
    for document in documents:
        if (
            other := first.setdefault(document.doc_id, document.source_path)
        ) != document.source_path:
            clashes.append(
                CorpusError(
                    f"has the id {document.doc_id!r}, as does {other}, and a quote of one would be "
                    "shown under the other's title; give each article its own `id`.",
                    path=document.source_path,
                    line=1,
                )
            )
    return clashes


def read_document(
    path: Path, corpus_dir: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> Document:
    """Read and parse one corpus file (inside the corpus directory, regular, within the limit)."""
    source_path = relative_source_path(path, corpus_dir)
    data = read_source_bytes(path, corpus_dir, max_file_bytes)
    text = decode_source(data, source_path)
    return parse_document(text, source_path, sha256=hashlib.sha256(data).hexdigest())


def parse_document(text: str, source_path: str, sha256: str = "") -> Document:
    """Parse a file's text: front matter, title, and the blocks of article text."""
    meta, body_start = parse_front_matter(text, source_path)
    is_markdown = not source_path.lower().endswith(".txt")
    if is_markdown:
        blocks = list(_markdown_blocks(text, body_start))
        title = (
            meta.get("title") or _first_heading(text, body_start) or _title_from_path(source_path)
        )
    else:
        title_line, body_start = _first_line(text, body_start)
        title = meta.get("title") or title_line or _title_from_path(source_path)
        blocks = list(_text_blocks(text, body_start))
    blocks = [block for block in blocks if not is_back_matter(block.headings)]
    doc_id = meta.get("id") or re.sub(r"\.(md|markdown|txt)$", "", source_path, flags=re.I)
    return Document(
        doc_id=doc_id,
        source_path=source_path,
        title=title,
        text=text,
        sha256=sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest(),
        blocks=tuple(blocks),
        source=meta.get("source") or None,
        language=meta.get("language", "en"),
        meta=meta,
    )


def parse_front_matter(text: str, source_path: str) -> tuple[dict[str, str], int]:
    """``key: value`` lines between two ``---`` lines at the top; returns them and where the body starts."""
    offset = 1 if text.startswith("\ufeff") else 0
    first_end = text.find("\n", offset)
    first_line = text[offset : len(text) if first_end == -1 else first_end]
    if not text or first_line.rstrip("\r") != "---":
        return {}, 0
    meta: dict[str, str] = {}
    # Line by line, not all of them: the body can be long (and loading parses every file).
    for number, (_, end, line) in enumerate(itertools.islice(_lines(text), 1, None), start=2):
        if line.rstrip() == "---":
            return meta, end
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(":")
        if not sep or not key.strip():
            raise CorpusError(
                "front matter line is not 'key: value'.", path=source_path, line=number
            )
        meta[key.strip().lower()] = value.strip().strip("\"'")
    raise CorpusError("front matter is not closed by a '---' line.", path=source_path, line=1)


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int, str]]:
    """(start, end-including-newline, content-without-newline) for each line from ``start``."""
    position = start
    while position < len(text):
        newline = text.find("\n", position)
        end = len(text) if newline == -1 else newline + 1
        yield position, end, text[position:end].rstrip("\r\n")
        position = end


def _span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """Shrink ``[start, end)`` to exclude surrounding whitespace; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _markdown_blocks(text: str, body_start: int) -> Iterator[Block]:
    headings: list[tuple[int, str]] = []
    current: list[int] | None = None  # [start, end, line]
    fence: str | None = None
    in_comment = False

    def flush() -> Iterator[Block]:
        nonlocal current
        if current is not None:
            span = _span(text, current[0], current[1])
            if span:
                yield Block(span[0], span[1], tuple(h for _, h in headings), current[2])
        current = None

    line_number = text.count("\n", 0, body_start) + 1
    for start, end, line in _lines(text, body_start):
        number, line_number = line_number, line_number + 1
        if fence:
            if line.strip().startswith(fence):
                fence = None
            continue
        if in_comment:
            in_comment = "-->" not in line
            continue
        if match := _FENCE_RE.match(line):
            yield from flush()
            fence = match.group(1)
            continue
        if line.lstrip().startswith("<!--"):
            yield from flush()
            in_comment = "-->" not in line
            continue
        if not line.strip() or _RULE_RE.match(line) or line.lstrip().startswith("|"):
            yield from flush()
            continue
        if match := _HEADING_RE.match(line):
            yield from flush()
            level = len(match.group(1))
            headings = [(lvl, h) for lvl, h in headings if lvl < level]
            if match.group(2):
                headings.append((level, match.group(2)))
            continue
        marker = _LIST_ITEM_RE.match(line) or _QUOTE_RE.match(line)
        if marker:
            yield from flush()
            current = [start + marker.end(), end, number]
            if _QUOTE_RE.match(line):
                # Each quoted line stands alone: the '>' of the next line is not article text.
                yield from flush()
            continue
        if current is None:
            current = [start, end, number]
        else:
            current[1] = end
    yield from flush()


def _text_blocks(text: str, body_start: int) -> Iterator[Block]:
    """Plain text: paragraphs are separated by blank lines; with none, each line is a paragraph.

    A paragraph of one short line without closing punctuation ("4 Conclusion and Limitations"), or
    one question line, is a heading: it names the section of the paragraphs after it and is never
    quoted. Lines that are only a URL, a DOI, a checksum or a page number are not article text.
    """
    heading: str | None = None
    for start, end, line in _text_paragraphs(text, body_start):
        content = text[start:end]
        if "\n" not in content.strip():
            if _NOISE_RE.match(content.strip()):
                continue
            if _is_plain_heading(content.strip()):
                heading = content.strip()
                continue
        yield Block(start, end, (heading,) if heading else (), line)


def _text_paragraphs(text: str, body_start: int) -> Iterator[tuple[int, int, int]]:
    lines = list(_lines(text, body_start))
    has_blank_lines = any(not line.strip() for _, _, line in lines)
    line_number = text.count("\n", 0, body_start) + 1
    current: list[int] | None = None
    for offset, (start, end, line) in enumerate(lines):
        number = line_number + offset
        if not line.strip():
            if current and (span := _span(text, current[0], current[1])):
                yield span[0], span[1], current[2]
            current = None
        elif not has_blank_lines:
            if span := _span(text, start, end):
                yield span[0], span[1], number
        elif current is None:
            current = [start, end, number]
        else:
            current[1] = end
    if current and (span := _span(text, current[0], current[1])):
        yield span[0], span[1], current[2]


def _is_plain_heading(line: str) -> bool:
    """A one-line paragraph that names a section rather than says something."""
    words = line.split()
    if not any(ch.isalpha() for ch in line) or _LIST_ITEM_RE.match(line) or line[0] in "•*-–—":
        return False
    if line.endswith("?"):
        return len(words) <= MAX_QUESTION_HEADING_WORDS
    return (
        len(words) <= MAX_HEADING_WORDS
        and line[-1] not in ".:;,!…)]\"'”’"
        and (line[0].isupper() or line[0].isdigit())
    )


def is_back_matter(headings: tuple[str, ...]) -> bool:
    """Whether a block stands under References, Acknowledgements and the like: not article text."""
    return any(_BACK_MATTER_RE.match(heading) for heading in headings)


def _first_line(text: str, start: int) -> tuple[str, int]:
    """The first non-blank line (a .txt file's title) and the offset after it."""
    for _, end, line in _lines(text, start):
        if line.strip():
            return line.strip(), end
    return "", len(text)


def _first_heading(text: str, start: int) -> str | None:
    for _, _, line in _lines(text, start):
        if match := _HEADING_RE.match(line):
            return match.group(2) or None
    return None


SHORT_TITLE_CHARS = 48


def short_title(title: str, limit: int = SHORT_TITLE_CHARS) -> str:
    """A title short enough to stand above a quote on a phone: up to its first colon, dash or
    question mark when that is enough, else cut at a word with an ellipsis."""
    title = " ".join(title.split())
    if len(title) <= limit:
        return title
    for separator in (": ", " — ", " – ", " - ", "? ", " | "):
        head = title.split(separator, 1)[0]
        if 6 <= len(head) <= limit:
            return head
    cut = title[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:&-—– ")
    return cut + "…"


def _title_from_path(source_path: str) -> str:
    stem = source_path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or source_path
