"""The development sets' questions as known questions for ranking: `quotebot known-questions`.

Each answerable question of a development part (paraphrases, vague questions, opposite intent)
with the verbatim words of the sentence that answers it; held-out parts are never read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from bot.evaluation.sets import EVAL_DIR, Part, load_part
from bot.retrieval.known_questions import KnownQuestion


def answer_sets(root: Path) -> list[Path]:
    """The bundled development part and every ``eval/*/dev`` folder with questions about the
    shipped articles (a set with a corpus of its own, such as ``eval/faq``, measures another
    corpus and stays out)."""
    found = [EVAL_DIR / "dev"]
    found += sorted(
        p
        for p in (root / "eval").glob("*/dev")
        if (p / "answers.toml").exists() and not (p.parent / "corpus").exists()
    )
    return found


def held_out_questions() -> set[str]:
    """The bundled held-out questions, compared in lower case: two writers both wrote
    "supplements?", and a known question the held-out part also asks would measure nothing."""
    return {case.q.casefold() for case in load_part(EVAL_DIR / "heldout", "heldout").answered}


def harvest(parts: Sequence[Part], leave_out: set[str] = frozenset()) -> list[KnownQuestion]:
    seen: set[str] = set(leave_out)
    questions = []
    for part in parts:
        for case in part.answered:
            if case.answerable and case.expect and case.q.casefold() not in seen:
                seen.add(case.q.casefold())
                questions.append(KnownQuestion(case.q, tuple(case.expect)))
    return questions


def render(questions: Sequence[KnownQuestion], sources: Sequence[str]) -> str:
    lines = [
        "# Questions of the development sets, each with the verbatim words of the sentence that",
        "# answers it: evidence for ranking (bot/retrieval/known_questions.py). Written by",
        "# `quotebot known-questions` (do not edit by hand: edit the sets, then run it again). The",
        "# sets were written by helper sessions that saw only the corpus articles; held-out parts",
        "# are never read, and a question a held-out part also asks is left out. Sources:",
        *[f"#   {source}" for source in sources],
    ]
    for question in questions:
        lines += [
            "",
            "[[question]]",
            f"q = {json.dumps(question.text, ensure_ascii=False)}",
            f"answer = {json.dumps(list(question.answers), ensure_ascii=False)}",
        ]
    return "\n".join(lines) + "\n"
