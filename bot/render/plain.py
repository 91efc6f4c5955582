"""Plain text for the console: urgent advice, quotes under their article, escalation, disclaimer."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from bot.answering.answer import Answer, Quote
from bot.answering.fixed_texts import FixedTexts
from bot.ingest.corpus import SourceDocument

WIDTH = 88


def render_plain(answer: Answer, *, width: int = WIDTH, more_hint: str | None = None) -> str:
    """The answer as console text; ``more_hint`` is shown when further passages exist."""
    blocks = [_fill(text, width) for text in (*answer.urgent_advice, *answer.cautions)]
    if answer.notice:
        blocks.append(_fill(answer.notice, width))
    if answer.intro:
        blocks.append(_fill(answer.intro, width))
    # A quote that is all answer is marked whole when another quote has sentences marked.
    whole = any(len(quote.pieces()) > 1 for quote in answer.quotes)
    blocks.extend(_quote(quote, width, whole) for quote in answer.quotes)
    if answer.has_more and more_hint:
        blocks.append(_fill(more_hint, width))
    blocks.append(_fill(answer.escalation, width))
    blocks.append(_fill(answer.disclaimer, width))
    return "\n\n".join(blocks)


def render_sources(texts: FixedTexts, sources: Sequence[SourceDocument]) -> str:
    """The articles quoted, one per line, with where each comes from when the corpus says."""
    lines = [texts.reply("sources")]
    for document in sources:
        lines.append(f"• {document.title}" + (f" — {document.source}" if document.source else ""))
    return "\n".join(lines)


def render_footer_in_full(texts: FixedTexts, *, width: int = WIDTH) -> str:
    """The whole safety wording, escalation advice and disclaimer (the console's `about`)."""
    return "\n\n".join(_fill(text, width) for text in (texts.escalation, texts.disclaimer))


MARK = "**"  # around the sentences that answer, as Markdown bold reads


def _quote(quote: Quote, width: int, whole: bool = False) -> str:
    lines = [f"“{quote.citation}”"]
    pieces = quote.pieces()
    text = "".join(
        f"{MARK}{piece}{MARK}" if marked and (len(pieces) > 1 or whole) else piece
        for piece, marked in pieces
    )
    for paragraph in text.splitlines():
        lines.extend("│ " + line for line in textwrap.wrap(paragraph, width - 2) or [""])
    return "\n".join(lines)


def _fill(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(line, width) for line in text.splitlines())
