"""Span recall on COVID-QA: 98 scientific articles and expert questions with gold answer spans.

The data is not part of quotebot (``quotebot eval --covidqa DIR``; DIR holds ``articles/`` and
``dev-questions.json``). The articles are indexed once into ``DATA_DIR/eval/`` with the configured
model, then every question is answered by the whole pipeline, and its quotes are scored:
a question is a hit at k when one of the first k quotes comes from the gold file and overlaps the
gold span; strictly, when that quote also covers half the span or contains the answer text.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.answering.answer import Answer
from bot.errors import ConfigError

QUESTIONS_FILE = "dev-questions.json"
BATCH = 64


def load_questions(directory: Path) -> list[dict]:
    path = directory / QUESTIONS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(
            f"--covidqa: cannot read {path} ({exc}); pass the folder that holds articles/ and "
            f"{QUESTIONS_FILE}."
        ) from exc


def span_hit(answer: Answer, gold: dict, depth: int, *, strict: bool = False) -> bool:
    for quote in answer.quotes[:depth]:
        if quote.source_path != gold["file"]:
            continue
        overlap = min(quote.end, gold["end"]) - max(quote.start, gold["start"])
        if overlap <= 0:
            continue
        if not strict or overlap * 2 >= gold["end"] - gold["start"] or gold["answer"] in quote.text:
            return True
    return False


def measure_covidqa(pipeline, questions: Sequence[dict]) -> dict:
    """Span recall@1/@3, strict@3 and refusals over ``questions`` answered by ``pipeline``."""
    answers: list[Answer] = []
    for start in range(0, len(questions), BATCH):
        answers += pipeline.answer_batch([q["q"] for q in questions[start : start + BATCH]])
    pairs = list(zip(questions, answers))
    rate = lambda hits: round(sum(hits) / len(pairs), 3)  # noqa: E731
    return {
        "questions": len(pairs),
        "span_recall_at_1": rate(span_hit(a, q, 1) for q, a in pairs),
        "span_recall_at_3": rate(span_hit(a, q, 3) for q, a in pairs),
        "strict_at_3": rate(span_hit(a, q, 3, strict=True) for q, a in pairs),
        "refused": rate(not a.answered for _, a in pairs),
        "urgent": rate(a.urgent for _, a in pairs),
    }
