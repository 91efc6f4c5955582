"""Put an Answer together: fixed texts around the retrieved passages, merged into verbatim quotes."""

from __future__ import annotations

from collections.abc import Sequence

from bot.answering.answer import Answer, Quote
from bot.answering.fixed_texts import FixedTexts
from bot.answering.inputs import InputProblem
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
    quotes = () if problem or "crisis" in triage.kinds else merge_quotes(hits)
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


def merge_quotes(hits: Sequence[Hit]) -> tuple[Quote, ...]:
    """One quote per hit, except that passages following each other in one file become one quote.

    Passages are adjacent when only white space separates them in the file (``gap_before``), so the
    merged text is still exactly the file's text from the first start to the last end.
    """
    rank = {hit.row: i for i, hit in enumerate(hits)}
    groups: list[list[Hit]] = []
    for hit in sorted(hits, key=lambda h: (h.passage.source_path, h.passage.start)):
        previous = groups[-1][-1].passage if groups else None
        current = hit.passage
        if (
            previous is not None
            and previous.source_path == current.source_path
            and current.gap_before is not None
            and current.start == previous.end + len(current.gap_before)
        ):
            groups[-1].append(hit)
        else:
            groups.append([hit])
    groups.sort(key=lambda group: min(rank[h.row] for h in group))
    quotes = []
    for group in groups:
        first = group[0].passage
        text = first.text + "".join(h.passage.gap_before + h.passage.text for h in group[1:])
        quotes.append(
            Quote(
                text=text,
                doc_id=first.doc_id,
                title=first.title,
                section=first.section,
                source_path=first.source_path,
                start=first.start,
                end=group[-1].passage.end,
                score=round(max(h.cosine for h in group), 4),
                passage_ids=tuple(h.passage.id for h in group),
            )
        )
    return tuple(quotes)
