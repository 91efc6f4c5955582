"""The JSON form of an Answer: a contract scripts rely on (docs/json.md)."""

from __future__ import annotations

from bot.answering.answer import Answer


def answer_to_json(answer: Answer) -> dict:
    """``{"question", "answered", "urgent", "quotes": [...], "escalation", "disclaimer"}`` and more.

    Each quote's ``text`` equals its source file's text ``[start:end]``; ``source_path`` is relative
    to the corpus directory; ``marks`` are the answering sentences' ``[start, end)`` inside it.
    Keys beyond the contract (``status``, ``urgent_advice``, ``cautions``, ``notice``, ``flags``, ``has_more``,
    ``subject``, ``marks``, ``disclaimer_short``, ``escalation_full``, ``language``) may be added to; the
    contract's keys keep their meaning (``escalation`` is the line fitted to the question).
    """
    return {
        "question": answer.question,
        "answered": answer.answered,
        "urgent": answer.urgent,
        "quotes": [
            {
                "text": quote.text,
                "doc_id": quote.doc_id,
                "title": quote.title,
                "section": quote.section,
                "source_path": quote.source_path,
                "start": quote.start,
                "end": quote.end,
                "score": quote.score,
                "marks": [{"start": start, "end": end} for start, end in quote.marks],
            }
            for quote in answer.quotes
        ],
        "escalation": answer.escalation,
        "disclaimer": answer.disclaimer,
        "status": answer.status,
        "urgent_advice": list(answer.urgent_advice),
        "cautions": list(answer.cautions),
        "notice": answer.notice,
        "flags": list(answer.flags),
        "has_more": answer.has_more,
        "subject": answer.subject,
        "language": answer.language,
        "disclaimer_short": answer.disclaimer_short,
        "escalation_full": answer.escalation_full,
    }
