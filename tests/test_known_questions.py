"""Questions of the development sets as known questions: a new question near one a passage is
known to answer lifts that passage; the file is kept current and never holds a held-out question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.evaluation.known_questions import (
    answer_sets,
    harvest,
    harvest_unanswered,
    held_out_questions,
    judged_articles,
    render,
)
from bot.evaluation.sets import EVAL_DIR, load_part, read_sets
from bot.retrieval.known_questions import (
    DEFAULT_KNOWN_QUESTIONS_FILE,
    KnownQuestion,
    KnownQuestions,
    load_known_questions,
)
from bot.retrieval.retrieve import Retriever
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent
ANSWER = "The intestinal lining acts as a barrier"


def test_the_shipped_questions_are_what_the_sets_give_today():
    directories = answer_sets(ROOT)
    assert all("faq" not in d.parts for d in directories)  # another corpus's set stays out
    sources = [str(d.resolve().relative_to(ROOT)) for d in directories]
    parts, held_out = read_sets(directories), held_out_questions()
    answered = harvest(parts, held_out)
    unanswered = harvest_unanswered(parts, held_out, answered)
    judged = judged_articles(DEFAULT_KNOWN_QUESTIONS_FILE)
    fresh = render(answered, sources, unanswered, judged)
    assert DEFAULT_KNOWN_QUESTIONS_FILE.read_text(encoding="utf-8") == fresh, (
        "run `quotebot known-questions`"
    )


def test_no_held_out_question_is_known():
    known = {q.text.casefold() for q in load_known_questions()}
    assert len(known) > 300
    held_out = load_part(EVAL_DIR / "heldout", "heldout")
    assert not known & {case.q.casefold() for case in held_out.answered}


def test_a_question_near_a_known_one_ranks_its_answer_first(fake_system):
    """The fake model knows words only: "zebra quokka" shares none with the lining passage."""
    index = fake_system.index
    encoder = FakeEncoder()
    vectors = encoder.encode(["zebra quokka please"])
    plain = Retriever(index).rank_batch(["zebra quokka please"], vectors)[0]
    assert not plain or ANSWER not in plain[0].passage.text
    known = KnownQuestions([KnownQuestion("zebra quokka", (ANSWER,))], index.passages, encoder)
    lifted = Retriever(index, known=known).rank_batch(["zebra quokka please"], vectors)[0]
    assert ANSWER in lifted[0].passage.text
    # Ordering only: the passage's own cosine still decides whether it is quoted at all.
    assert lifted[0].cosine == max(
        (h.cosine for h in plain if h.row == lifted[0].row), default=lifted[0].cosine
    )


def test_a_question_asked_again_is_answered_even_when_its_passage_reads_far(fake_system):
    index = fake_system.index
    encoder = FakeEncoder()
    vectors = encoder.encode(["zebra quokka"])
    plain = Retriever(index)
    assert plain.select(plain.rank_batch(["zebra quokka"], vectors)[0]) == []
    known = KnownQuestions([KnownQuestion("zebra quokka", (ANSWER,))], index.passages, encoder)
    lifted = Retriever(index, known=known)
    chosen = lifted.select(lifted.rank_batch(["zebra quokka"], vectors)[0])
    assert chosen and ANSWER in chosen[0].passage.text


def test_a_question_whose_answer_is_in_no_passage_counts_for_nothing(fake_system):
    known = KnownQuestions(
        [KnownQuestion("zebra quokka", ("words no article holds",))],
        fake_system.index.passages,
        FakeEncoder(),
    )
    assert known.questions == 0
    assert Retriever(fake_system.index, known=known).known is None


def test_a_broken_file_names_the_command_that_rebuilds_it(tmp_path):
    broken = tmp_path / "known.toml"
    broken.write_text('[[question]]\nq = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="quotebot known-questions"):
        load_known_questions(broken)
