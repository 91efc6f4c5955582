"""Measure the pipeline on one part of the labelled sets, category by category, as users meet it.

Every figure comes from whole answers (quotes, notices, urgent advice), not from retrieval scores:
what is counted is what a person would read.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Sequence

from bot.answering.answer import Answer
from bot.answering.conversation import Conversation
from bot.answering.pipeline import AnswerPipeline
from bot.evaluation.sets import ANSWERED_CATEGORIES, Part, Turn

DEPTH = 3  # quotes a person reads: recall is counted in the first three


def quoted(answer: Answer, snippets: Sequence[str], depth: int = DEPTH) -> bool:
    """Whether one of the first ``depth`` quotes contains one of ``snippets``."""
    return any(snippet in quote.text for quote in answer.quotes[:depth] for snippet in snippets)


def names(answer: Answer, subject: str) -> bool:
    """Whether the answer says plainly that the articles do not mention ``subject``."""
    said = (answer.subject or "").casefold()
    wanted = subject.casefold()
    return answer.status == "unmentioned" and bool(said) and (said in wanted or wanted in said)


def measure_part(
    pipeline: AnswerPipeline,
    part: Part,
    *,
    new_conversation: Callable[[], Conversation] = Conversation,
    with_misses: bool = True,
) -> dict:
    """Every figure of one part; ``misses`` (what went wrong, by text) only when ``with_misses``."""
    report: dict = {}
    misses: dict[str, list[str]] = defaultdict(list)

    for category in ANSWERED_CATEGORIES:
        cases = [c for c in part.answered if c.category == category]
        if not cases:
            continue
        answers = pipeline.answer_batch([c.q for c in cases])
        answerable = [(c, a) for c, a in zip(cases, answers) if c.answerable]
        unanswerable = [(c, a) for c, a in zip(cases, answers) if not c.answerable]
        figures: dict = {"n": len(cases)}
        if answerable:
            figures["recall_at_1"] = _rate(quoted(a, c.expect, 1) for c, a in answerable)
            figures["recall_at_3"] = _rate(quoted(a, c.expect) for c, a in answerable)
            misses[category] += [c.q for c, a in answerable if not quoted(a, c.expect)]
        if unanswerable:
            figures["refusal"] = _rate(not a.answered for _, a in unanswerable)
            misses[f"{category}_answered"] += [c.q for c, a in unanswerable if a.answered]
        report[category] = figures

    if part.unmentioned:
        answers = pipeline.answer_batch([c.q for c in part.unmentioned])
        pairs = list(zip(part.unmentioned, answers))
        report["unmentioned"] = {
            "n": len(pairs),
            "named": _rate(names(a, c.subject) for c, a in pairs),
            "quoted_as_answer": _rate(a.answered and a.status != "unmentioned" for _, a in pairs),
        }
        misses["unmentioned"] += [c.q for c, a in pairs if not names(a, c.subject)]

    if part.out_of_scope:
        answers = pipeline.answer_batch(part.out_of_scope)
        report["out_of_scope"] = {
            "n": len(answers),
            "refusal": _rate(not a.answered for a in answers),
        }
        misses["out_of_scope_answered"] += [a.question for a in answers if a.answered]

    if part.conversations:
        outcomes: dict[str, list[bool]] = defaultdict(list)
        for turns in part.conversations:
            conversation = new_conversation()
            for turn, answer in zip(turns, _converse(pipeline, conversation, turns)):
                ok = turn_as_expected(turn, answer)
                outcomes[turn.expect].append(ok)
                if not ok:
                    misses["conversation"].append(f"[{turn.expect}] {turn.text}")
        every = [ok for oks in outcomes.values() for ok in oks]
        report["conversation"] = {
            "turns": len(every),
            "as_expected": _rate(every),
            **{f"{kind}_as_expected": _rate(oks) for kind, oks in sorted(outcomes.items())},
        }

    if part.urgent or part.calm:
        report["triage"] = _triage(pipeline, part, misses)

    if with_misses:
        report["misses"] = {label: items for label, items in misses.items() if items}
    return report


def turn_as_expected(turn: Turn, answer: Answer) -> bool:
    """What a person expects of the reply to one scripted message."""
    if turn.expect == "small_talk":
        return answer.status == "small_talk" and not answer.quotes
    if turn.expect == "unmentioned":
        return names(answer, turn.subject or "")
    if turn.snippets:
        return quoted(answer, turn.snippets)
    # The articles do not answer it: nothing may pretend to (saying what they do not mention,
    # then general passages introduced as such, is honest).
    return not answer.answered or answer.status == "unmentioned"


def _converse(
    pipeline: AnswerPipeline, conversation: Conversation, turns: Sequence[Turn]
) -> list[Answer]:
    answers = []
    for turn in turns:
        answers.append(
            conversation.answer("evaluation", turn.text, lambda r: pipeline.answer_batch([r])[0])
        )
    return answers


def _triage(pipeline: AnswerPipeline, part: Part, misses: dict[str, list[str]]) -> dict:
    # Urgent advice comes in the message's language: each language's texts name the same kinds.
    urgent_texts = {
        text: kind
        for code in pipeline.texts.languages
        for kind, text in pipeline.texts.in_language(code).urgent.items()
    }
    figures: dict = {"urgent": len(part.urgent), "calm": len(part.calm)}
    if part.urgent:
        answers = pipeline.answer_batch([c.q for c in part.urgent])
        caught = [
            a.urgent and c.kind in {urgent_texts.get(t) for t in a.urgent_advice}
            for c, a in zip(part.urgent, answers)
        ]
        figures["urgent_recall"] = _rate(caught)
        for label, key in (("by_kind", "kind"), ("by_language", "lang"), ("by_style", "style")):
            groups: dict[str, list[bool]] = defaultdict(list)
            for case, ok in zip(part.urgent, caught):
                groups[getattr(case, key)].append(ok)
            figures[f"urgent_recall_{label}"] = {k: _rate(v) for k, v in sorted(groups.items())}
        misses["urgent_missed"] += [c.q for c, ok in zip(part.urgent, caught) if not ok]
    if part.calm:
        answers = pipeline.answer_batch([c.q for c in part.calm])
        alarms = [a.urgent for a in answers]
        figures["false_alarm_rate"] = _rate(alarms)
        groups = defaultdict(list)
        for case, alarm in zip(part.calm, alarms):
            groups[case.category].append(alarm)
        figures["false_alarm_rate_by_category"] = {k: _rate(v) for k, v in sorted(groups.items())}
        misses["false_alarms"] += [c.q for c, alarm in zip(part.calm, alarms) if alarm]
    return figures


def latency(pipeline: AnswerPipeline, questions: Sequence[str], rounds: int = 20) -> dict:
    """One question at a time through the whole pipeline, as the bot answers a lone user."""
    times = []
    for question in list(questions)[:rounds]:
        started = time.perf_counter()
        pipeline.answer(question)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "latency_ms_p50": round(statistics.median(times), 1),
        "latency_ms_p95": round(times[int(0.95 * (len(times) - 1))], 1),
    }


def _rate(values) -> float:
    values = list(values)
    return round(sum(bool(v) for v in values) / len(values), 3) if values else 0.0
