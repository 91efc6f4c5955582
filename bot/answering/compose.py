"""Put an Answer together: fixed texts around the quotes of the retrieved passages."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.answer import Answer
from bot.answering.fixed_texts import FixedTexts
from bot.answering.inputs import InputProblem
from bot.answering.quoting import quote_hits
from bot.answering.triage import Triage
from bot.retrieval.retrieve import Hit


def compose_answer(
    question: str,
    triage: Triage,
    texts: FixedTexts,
    *,
    hits: Sequence[Hit] = (),
    problem: InputProblem | None = None,
    topics: Sequence[str] = (),
    has_more: bool = False,
    offset: int = 0,
    max_chars: int = 0,
) -> Answer:
    """Fixed texts around the quotes: urgent advice first, escalation and disclaimer always."""
    urgent_advice = tuple(texts.urgent[kind] for kind in triage.kinds)
    # Article quotes next to crisis advice would read as an answer to it: leave them out.
    quotes = () if problem or "crisis" in triage.kinds else quote_hits(hits)
    if problem:
        notice = (
            texts.reply(problem, limit=max_chars) if problem == "too_long" else texts.reply(problem)
        )
        status = problem
    elif quotes:
        notice, status = None, "answered"
    elif offset:
        notice, status = texts.reply("no_more"), "no_more"
    elif urgent_advice:
        notice, status = None, "no_answer"
    else:
        notice, status = (
            texts.reply("no_answer", topics="; ".join(f"“{t}”" for t in topics)),
            "no_answer",
        )
    return Answer(
        question=question,
        quotes=quotes,
        escalation=texts.escalation,
        disclaimer=texts.disclaimer,
        urgent_advice=urgent_advice,
        notice=notice,
        intro=texts.reply("answer_intro") if quotes else None,
        flags=triage.flags,
        has_more=has_more and bool(quotes),
        status=status,
    )
