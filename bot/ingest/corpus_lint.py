"""`quotebot corpus lint`: what in the corpus would hurt answers, file by file.

Errors are things the bot would quote or choke on (navigation lines, bytes that are not UTF-8,
empty files, broken front matter); warnings are things that weaken answers (duplicated
paragraphs, fragments too short to stand alone, sentences longer than the model reads).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.errors import CorpusError
from bot.ingest.corpus import Document, parse_document, shared_ids
from bot.ingest.corpus_files import (
    DEFAULT_MAX_FILE_BYTES,
    decode_source,
    list_corpus_files,
    read_source_bytes,
    relative_source_path,
)
from bot.ingest.passages import MAX_PASSAGE_TOKENS, TokenCounter, approximate_tokens, sentence_spans

# Lines that belong to a web page's chrome, not to an article.
_NAVIGATION_RE = re.compile(
    r"read more|continue reading|click here|subscribe (to|now|for)|sign up (for|to|now)|"
    r"our newsletter|share (this|on)|next (post|article)|previous (post|article)|back to top|"
    r"related (posts|articles)|we use cookies|cookie (policy|settings)|all rights reserved|©|→|"
    r"skip to (main )?content",
    re.IGNORECASE,
)
# Wording that the bot's own fixed texts already carry.
_BOILERPLATE_RE = re.compile(
    r"for (educational|informational) purposes only|does not (replace|constitute) medical advice|"
    r"consult (your|a) (doctor|physician)",
    re.IGNORECASE,
)
MIN_FRAGMENT_WORDS = 6
# Errors are what the bot would quote or choke on; warnings weaken answers.
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    """One problem in one file."""

    source_path: str
    line: int
    severity: Severity
    message: str

    def __str__(self) -> str:
        return f"{self.source_path}:{self.line}: {self.severity}: {self.message}"


def lint_corpus(
    corpus_dir: Path,
    count_tokens: TokenCounter = approximate_tokens,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> list[Finding]:
    """Every finding in the corpus, sorted by file and line.

    A file is read as the build reads it: what the build refuses (a symlink out of the corpus, a
    hard link, a file over the size limit, bytes that are not UTF-8) is an error here; a file
    without article text is an error too, and the build leaves it out of the sources an answer
    can cite.
    """
    findings: list[Finding] = []
    documents: list[Document] = []
    paths = list_corpus_files(corpus_dir)
    if not paths:
        raise CorpusError(f"Corpus directory {corpus_dir} has no .md or .txt files.")
    for path in paths:
        source_path = relative_source_path(path, corpus_dir)
        try:
            data = read_source_bytes(path, corpus_dir, max_file_bytes)
            text = decode_source(data, source_path)
            if not text.strip():
                findings.append(
                    Finding(
                        source_path,
                        1,
                        "error",
                        "empty file; nothing to quote, so it is not listed as a source",
                    )
                )
                continue
            document = parse_document(text, source_path)
        except CorpusError as exc:
            findings.append(Finding(source_path, exc.line or 1, "error", exc.reason.rstrip(".")))
            continue
        if not document.blocks:
            findings.append(
                Finding(
                    source_path,
                    1,
                    "error",
                    "no article text (only headings or front matter); nothing to quote, so it is not listed as a source",
                )
            )
        findings.extend(_document_findings(document, count_tokens))
        documents.append(document)
    findings.extend(_duplicates(documents))
    findings.extend(
        Finding(clash.path or "", clash.line or 1, "error", clash.reason.rstrip("."))
        for clash in shared_ids(documents)
    )
    return sorted(findings, key=lambda f: (f.source_path, f.line, f.severity))


def _document_findings(document: Document, count_tokens: TokenCounter) -> list[Finding]:
    findings = []
    for block in document.blocks:
        text = document.text[block.start : block.end]
        first_line = text.splitlines()[0]
        if _NAVIGATION_RE.search(text) and len(text.split()) < 40:
            findings.append(
                Finding(
                    document.source_path,
                    block.line,
                    "error",
                    f"navigation or boilerplate line: {_clip(first_line)}",
                )
            )
            continue
        if _BOILERPLATE_RE.search(text):
            findings.append(
                Finding(
                    document.source_path,
                    block.line,
                    "warning",
                    f"disclaimer wording (the bot adds its own): {_clip(first_line)}",
                )
            )
        if len(text.split()) < MIN_FRAGMENT_WORDS and not block.headings:
            findings.append(
                Finding(
                    document.source_path,
                    block.line,
                    "warning",
                    f"fragment too short to stand alone: {_clip(text)}",
                )
            )
        for start, end in sentence_spans(document.text, block.start, block.end):
            if count_tokens(document.text[start:end]) > MAX_PASSAGE_TOKENS:
                line = document.text.count("\n", 0, start) + 1
                findings.append(
                    Finding(
                        document.source_path,
                        line,
                        "warning",
                        f"sentence longer than {MAX_PASSAGE_TOKENS} word pieces; the model reads only "
                        f"its start: {_clip(document.text[start:end])}",
                    )
                )
    return findings


def _duplicates(documents: list[Document]) -> list[Finding]:
    """Paragraphs that appear in more than one file (they give the same quote twice)."""
    seen: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for document in documents:
        for block in document.blocks:
            key = _normalise(document.text[block.start : block.end])
            if len(key.split()) >= MIN_FRAGMENT_WORDS:
                seen[key].append((document.source_path, block.line))
    findings = []
    for places in seen.values():
        files = {path for path, _ in places}
        if len(files) < 2:
            continue
        for path, line in places:
            others = ", ".join(sorted(f"{p}:{n}" for p, n in places if p != path))
            findings.append(Finding(path, line, "warning", f"paragraph duplicated in {others}"))
    return findings


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def _clip(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= width else text[: width - 1] + "…")
