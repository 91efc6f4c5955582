"""The development sets' questions as known questions: `quotebot known-questions`.

Each answerable question of a development part (paraphrases, vague questions, opposite intent)
with the verbatim words of the sentence that answers it (evidence for ranking), and each
out-of-scope question (known unanswered, bot/retrieval/known_unanswered.py) with the articles it
was judged against; held-out parts are never read.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.evaluation.sets import EVAL_DIR, Part, load_part
from bot.ingest.corpus_files import list_corpus_files, read_source_bytes, relative_source_path
from bot.retrieval.known_questions import KnownFollowUp, KnownQuestion
from bot.retrieval.known_unanswered import load_unanswered


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
    """The bundled held-out questions and messages, compared in lower case: two writers both wrote
    "supplements?", and a known question the held-out part also asks would measure nothing."""
    held_out = load_part(EVAL_DIR / "heldout", "heldout")
    return (
        {case.q.casefold() for case in held_out.answered}
        | {q.casefold() for q in held_out.out_of_scope}
        | {turn.text.casefold() for turns in held_out.conversations for turn in turns}
    )


def harvest(parts: Sequence[Part], leave_out: set[str] = frozenset()) -> list[KnownQuestion]:
    seen: set[str] = set(leave_out)
    questions = []
    for part in parts:
        for case in part.answered:
            if case.answerable and case.expect and case.q.casefold() not in seen:
                seen.add(case.q.casefold())
                questions.append(KnownQuestion(case.q, tuple(case.expect)))
    return questions


def harvest_follow_ups(
    parts: Sequence[Part], leave_out: set[str] = frozenset()
) -> list[KnownFollowUp]:
    """The parts' follow-ups that the articles answer, each with the questions it followed as
    its writer meant them: the last question that stood alone (or named a subject the articles
    never mention) and the follow-ups since that the articles answer (one they do not is not
    remembered by a chat either); small talk in between changes nothing."""
    seen: set[tuple[str, str]] = set()
    follow_ups = []
    for part in parts:
        for turns in part.conversations:
            after = ""
            for turn in turns:
                if turn.expect in ("new_topic", "unmentioned"):
                    after = turn.text
                elif turn.expect == "follow_up" and after and turn.snippets:
                    key = (turn.text.casefold(), after.casefold())
                    if turn.text.casefold() not in leave_out and key not in seen:
                        seen.add(key)
                        follow_ups.append(KnownFollowUp(turn.text, after, tuple(turn.snippets)))
                    after = f"{after} {turn.text}"
    return follow_ups


def harvest_unanswered(
    parts: Sequence[Part], leave_out: set[str] = frozenset(), answered: Sequence[KnownQuestion] = ()
) -> list[str]:
    """The parts' out-of-scope questions, each once, less any also known to be answered."""
    seen = set(leave_out) | {question.text.casefold() for question in answered}
    questions = []
    for part in parts:
        for question in part.out_of_scope:
            if question.casefold() not in seen:
                seen.add(question.casefold())
                questions.append(question)
    return questions


def corpus_fingerprint(corpus_dir: Path) -> dict[str, str]:
    """Each article file of ``corpus_dir`` (as the index names it) with the SHA-256 of its bytes."""
    return {
        relative_source_path(path, corpus_dir): hashlib.sha256(
            read_source_bytes(path, corpus_dir)
        ).hexdigest()
        for path in list_corpus_files(corpus_dir)
    }


def judged_articles(path: Path) -> dict[str, str]:
    """The articles an existing file's unanswered questions were judged against (none: no file)."""
    return dict(load_unanswered(path).judged) if path.exists() else {}


def render(
    questions: Sequence[KnownQuestion],
    sources: Sequence[str],
    unanswered: Sequence[str] = (),
    judged: Mapping[str, str] | None = None,
    follow_ups: Sequence[KnownFollowUp] = (),
) -> str:
    lines = [
        "# Questions of the development sets, each with the verbatim words of the sentence that",
        "# answers it: evidence for ranking (bot/retrieval/known_questions.py); and their",
        "# out-of-scope questions, which the articles do not answer (bot/retrieval/",
        "# known_unanswered.py). Written by `quotebot known-questions` (do not edit by hand: edit",
        "# the sets, then run it again). The sets were written by helper sessions that saw only the",
        "# corpus articles; held-out parts are never read, and a question a held-out part also",
        "# asks is left out. Sources:",
        *[f"#   {source}" for source in sources],
    ]
    if judged:
        lines += [
            "",
            "# The articles (SHA-256 of each file) the out-of-scope questions were judged against:",
            "# where one has changed, or another is quoted, they stand aside.",
            "[judged.articles]",
            *[f"{json.dumps(name)} = {json.dumps(sha)}" for name, sha in sorted(judged.items())],
        ]
    for question in questions:
        lines += [
            "",
            "[[question]]",
            f"q = {json.dumps(question.text, ensure_ascii=False)}",
            f"answer = {json.dumps(list(question.answers), ensure_ascii=False)}",
        ]
    for question in unanswered:
        lines += ["", "[[unanswered]]", f"q = {json.dumps(question, ensure_ascii=False)}"]
    if follow_ups:
        lines += [
            "",
            "# Follow-ups of the development conversations, each after the questions it followed:",
            "# read as the pipeline reads a follow-up, they are evidence for ranking follow-ups.",
        ]
    for follow_up in follow_ups:
        lines += [
            "",
            "[[follow_up]]",
            f"q = {json.dumps(follow_up.text, ensure_ascii=False)}",
            f"after = {json.dumps(follow_up.after, ensure_ascii=False)}",
            f"answer = {json.dumps(list(follow_up.answers), ensure_ascii=False)}",
        ]
    return "\n".join(lines) + "\n"
