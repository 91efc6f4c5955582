"""Telegram HTML: each quote in a <blockquote> under its article, split into messages that fit.

Telegram takes at most 4096 characters per message (counted in UTF-16 code units). An answer is
built as a list of blocks, each a complete HTML fragment; messages are packed from whole blocks, so
a split never falls inside a tag. A quote too long for one message is itself split at paragraph,
then sentence boundaries into several blockquotes. The escalation advice and disclaimer are blocks
like any other, so they always arrive, in the last message.
"""

from __future__ import annotations

import html
import re

from bot.answering.answer import Answer, Quote
from bot.answering.fixed_texts import FixedTexts

MAX_MESSAGE = 4096


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def render_telegram_html(
    answer: Answer, *, limit: int = MAX_MESSAGE, lead: str | None = None
) -> list[str]:
    """The answer as one or more Telegram HTML messages, each at most ``limit`` UTF-16 units.

    ``lead`` is a fixed text shown after any urgent advice, before the rest (a note that a photo
    was not looked at, say).
    """
    blocks = [f"<b>{_escape(text)}</b>" for text in answer.urgent_advice]
    blocks += [f"<b>{_escape(text)}</b>" for text in answer.cautions]
    if lead:
        blocks.append(f"<i>{_escape(lead)}</i>")
    if answer.notice:
        blocks.append(_escape(answer.notice))
    if answer.intro:
        blocks.append(_escape(answer.intro))
    emphasise_whole = _partly_marked(answer)
    for quote in answer.quotes:
        blocks.extend(_quote_blocks(quote, limit, emphasise_whole))
    blocks.extend(footer_blocks(answer))
    return pack_blocks(blocks, limit)


def render_notice(notice: str, texts: FixedTexts) -> str:
    """A fixed reply that is not an answer (an apology, "slow down"), with the safety footer."""
    general = texts.escalation_topics[-1].text if texts.escalation_topics else texts.escalation
    answer = Answer(
        question="",
        quotes=(),
        escalation=general,
        disclaimer=texts.disclaimer,
        disclaimer_short=texts.disclaimer_short,
        escalation_full=texts.escalation,
    )
    return "\n\n".join([_escape(notice), *footer_blocks(answer)])


def footer_blocks(answer: Answer) -> list[str]:
    """Under every reply: one line on when to see a professional, then the disclaimer, its first
    line showing and the full wording (with the full escalation advice) one tap away."""
    if not answer.disclaimer_short:
        return [f"<i>{_escape(answer.escalation)}</i>", f"<i>{_escape(answer.disclaimer)}</i>"]
    full = "\n\n".join(
        _escape(text)
        for text in (answer.disclaimer_short, answer.disclaimer, answer.escalation_full)
        if text
    )
    return [f"<i>{_escape(answer.escalation)}</i>\n<blockquote expandable>{full}</blockquote>"]


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _partly_marked(answer: Answer) -> bool:
    """Whether a quote of ``answer`` has sentences marked beside others: then a quote that is all
    answer is marked whole too, or the bold elsewhere reads as the answer (a newcomer's trial)."""
    return any(len(quote.pieces()) > 1 for quote in answer.quotes)


def _quote_blocks(quote: Quote, limit: int, emphasise_whole: bool = False) -> list[str]:
    title = _escape(quote.cited_as or quote.title)
    if quote.url:
        title = f'<a href="{html.escape(quote.url, quote=True)}">{title}</a>'
    section = f" · <i>{_escape(quote.section)}</i>" if quote.section else ""
    heading = f"<b>{title}</b>{section}\n"
    pieces = quote.pieces()
    # A quote that is all answer needs no bold, unless another of the answer has some.
    emphasise = len(pieces) > 1 or emphasise_whole
    body = "".join(
        f"<b>{_escape(piece)}</b>" if marked and emphasise else _escape(piece)
        for piece, marked in pieces
    )
    whole = heading + f"<blockquote>{body}</blockquote>"
    if utf16_length(whole) <= limit:
        return [whole]
    # Too long for one message: split the verbatim text (marks are dropped in the pieces).
    room = limit - utf16_length(heading) - len("<blockquote></blockquote>")
    pieces = _split_text(quote.text, room)
    blocks = [f"<blockquote>{_escape(piece)}</blockquote>" for piece in pieces]
    blocks[0] = heading + blocks[0]
    return blocks


def _split_text(text: str, room: int) -> list[str]:
    """Cut ``text`` into verbatim slices whose escaped form fits ``room``.

    Cuts fall between lines if that is enough, else between sentences, else between words.
    """
    for pattern in (r"[^\n]+", r"[^.!?…]+(?:[.!?…]+|$)", r"\S+"):
        spans = [(m.start(), m.end()) for m in re.finditer(pattern, text) if m.group().strip()]
        if spans and all(utf16_length(_escape(text[s:e])) <= room for s, e in spans):
            break
    else:  # a single "word" longer than a message: cut it by characters
        step = max(1, room // 6)
        spans = [(i, min(len(text), i + step)) for i in range(0, len(text), step)]
    pieces = []
    start, end = spans[0]
    for span_start, span_end in spans[1:]:
        if utf16_length(_escape(text[start:span_end])) <= room:
            end = span_end
        else:
            pieces.append(text[start:end].strip())
            start, end = span_start, span_end
    pieces.append(text[start:end].strip())
    return [piece for piece in pieces if piece]


def pack_blocks(blocks: list[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Join blocks with blank lines into as few messages as fit, never splitting a block."""
    messages: list[str] = []
    for block in blocks:
        if messages and utf16_length(messages[-1] + "\n\n" + block) <= limit:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block)
    return messages
