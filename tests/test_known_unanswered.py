"""Questions the development sets' writers asked and the articles do not answer: a new question
near one of them is told the articles do not answer it, on the articles they were judged against."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli
from bot.errors import ConfigError
from bot.evaluation.known_questions import (
    answer_sets,
    corpus_fingerprint,
    harvest,
    harvest_unanswered,
    held_out_questions,
)
from bot.evaluation.sets import EVAL_DIR, load_part, read_sets
from bot.ingest.passages import Passage
from bot.retrieval.known_unanswered import (
    KnownUnanswered,
    Unanswered,
    load_unanswered,
)
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent
# Near "Should I take my probiotic in the morning on an empty stomach or with food?", which a set
# asks and the articles do not answer; the healing steps name probiotics, and were quoted.
WHEN_TO_TAKE = "is it better to take my probiotics in the morning before breakfast or with dinner?"


def test_the_shipped_questions_were_judged_against_the_shipped_articles():
    unanswered = load_unanswered()
    assert len(unanswered.questions) > 1000
    assert dict(unanswered.judged) == corpus_fingerprint(ROOT / "corpus")


def test_no_held_out_question_is_known_unanswered():
    known = {q.casefold() for q in load_unanswered().questions}
    held_out = load_part(EVAL_DIR / "heldout", "heldout")
    assert not known & {q.casefold() for q in held_out.out_of_scope}
    assert not known & {case.q.casefold() for case in held_out.answered}


def test_a_question_known_answered_is_never_known_unanswered():
    parts = read_sets(answer_sets(ROOT))
    answered = harvest(parts, held_out_questions())
    unanswered = harvest_unanswered(parts, held_out_questions(), answered)
    assert not {q.casefold() for q in unanswered} & {q.text.casefold() for q in answered}


def test_a_question_near_a_known_unanswered_one_quotes_nothing(real_pipeline):
    answer = real_pipeline.answer(WHEN_TO_TAKE)
    assert answer.status == "no_answer" and not answer.quotes


def test_without_the_known_questions_it_was_quoted(real_pipeline, monkeypatch):
    monkeypatch.setattr(real_pipeline.corpus, "unanswered", None)
    assert real_pipeline.answer(WHEN_TO_TAKE).quotes


def test_an_article_changed_since_they_were_judged_is_answered_from(real_pipeline, monkeypatch):
    known = real_pipeline.corpus.unanswered
    judged = {path: "0" * 64 for path in known.judged_paths}  # every article since rewritten
    changed = KnownUnanswered(
        Unanswered(load_unanswered().questions, judged),
        {path: "1" * 64 for path in known.judged_paths},
        real_pipeline.encoder,
    )
    assert not changed
    monkeypatch.setattr(real_pipeline.corpus, "unanswered", changed)
    assert real_pipeline.answer(WHEN_TO_TAKE).quotes


def test_the_questions_stand_aside_for_an_article_they_were_not_judged_against():
    known = KnownUnanswered(
        Unanswered(("zebra quokka",), {"old.md": "a" * 64}),
        {"old.md": "a" * 64, "new.md": "b" * 64},
        FakeEncoder(),
    )
    old = _passage("old.md")
    new = _passage("new.md")
    assert known.sets_aside(0.9, 0.5, [old])
    assert not known.sets_aside(0.9, 0.5, [old, new])  # the new article may answer it
    assert not known.sets_aside(0.9, 0.85, [old])  # a question known to be answered is nearer
    assert not known.sets_aside(0.7, 0.2, [old])  # not near enough
    assert not known.sets_aside(0.9, 0.5, [])  # nothing to set aside


def test_the_command_keeps_the_articles_they_were_judged_against(
    monkeypatch, corpus_copy, tmp_path
):
    monkeypatch.setenv("CORPUS_DIR", str(corpus_copy))
    out = tmp_path / "known.toml"
    command = ["known-questions", "--sets", str(EVAL_DIR / "dev"), "--out", str(out)]
    assert cli.main(command) == 0
    first = load_unanswered(out)
    assert first.questions and dict(first.judged) == corpus_fingerprint(corpus_copy)
    article = sorted(corpus_copy.glob("*.md"))[0]
    article.write_text(article.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert cli.main(command) == 0
    assert load_unanswered(out).judged == first.judged  # their writers never read the edit
    assert cli.main([*command, "--judged-now"]) == 0
    now = dict(load_unanswered(out).judged)
    assert now == corpus_fingerprint(corpus_copy) and now != dict(first.judged)


def test_a_broken_file_names_the_command_that_rebuilds_it(tmp_path):
    broken = tmp_path / "known.toml"
    broken.write_text('[[unanswered]]\nx = "no q"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="quotebot known-questions"):
        load_unanswered(broken)


def _passage(source_path: str) -> Passage:
    return Passage(
        f"{source_path}#0", source_path, source_path, "T", None, (), 0, 12, "zebra quokka"
    )
