"""Questions of the development sets as known questions: a new question near one a passage is
known to answer lifts that passage; the file is kept current and never holds a held-out question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.evaluation.known_questions import (
    answer_sets,
    harvest,
    harvest_follow_ups,
    harvest_unanswered,
    held_out_questions,
    judged_articles,
    render,
)
from bot.evaluation.sets import EVAL_DIR, Part, Turn, load_part, read_sets
from bot.retrieval.known_questions import (
    DEFAULT_KNOWN_QUESTIONS_FILE,
    KnownFollowUp,
    KnownQuestion,
    KnownQuestions,
    load_known_follow_ups,
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
    follow_ups = harvest_follow_ups(parts, held_out)
    judged = judged_articles(DEFAULT_KNOWN_QUESTIONS_FILE)
    fresh = render(answered, sources, unanswered, judged, follow_ups)
    assert DEFAULT_KNOWN_QUESTIONS_FILE.read_text(encoding="utf-8") == fresh, (
        "run `quotebot known-questions`"
    )


def test_no_held_out_question_is_known():
    known = {q.text.casefold() for q in load_known_questions()}
    assert len(known) > 300
    held_out = load_part(EVAL_DIR / "heldout", "heldout")
    assert not known & {case.q.casefold() for case in held_out.answered}
    follow_ups = {f.text.casefold() for f in load_known_follow_ups()}
    assert len(follow_ups) > 300
    said = {turn.text.casefold() for turns in held_out.conversations for turn in turns}
    assert said and not follow_ups & said


def test_a_follow_up_is_known_after_the_questions_its_writer_meant():
    """After the last question that stood alone and the follow-ups since; small talk and a
    follow-up the articles do not answer add nothing (a chat does not remember it either)."""
    part = Part("dev")
    part.conversations = [
        [
            Turn("hi", "small_talk"),
            Turn("can leaky gut cause joint pain?", "new_topic", ("It can contribute",)),
            Turn("how tho", "follow_up", ("Leaky gut allows",)),
            Turn("lol ok", "small_talk"),
            Turn("how much zinc a day", "follow_up"),
            Turn("and for how long?", "follow_up", ("Some people notice",)),
            Turn("does turmeric help?", "unmentioned", subject="turmeric"),
            Turn("is it safe?", "follow_up", ("words",)),
        ],
        [Turn("why?", "follow_up", ("nothing before it",))],
    ]
    assert harvest_follow_ups([part], leave_out={"is it safe?"}) == [
        KnownFollowUp("how tho", "can leaky gut cause joint pain?", ("Leaky gut allows",)),
        KnownFollowUp(
            "and for how long?",
            "can leaky gut cause joint pain? how tho",
            ("Some people notice",),
        ),
    ]


def test_a_known_follow_up_lifts_its_answer_only_for_a_follow_up(fake_system):
    """Only a row read with what it borrows is compared with the known follow-ups: the same
    words asked on their own are a new question."""
    index = fake_system.index
    encoder = FakeEncoder()
    vectors = encoder.encode(["zebra quokka please", "zebra quokka please"])
    follow_ups = KnownQuestions([KnownQuestion("zebra quokka", (ANSWER,))], index.passages, encoder)
    retriever = Retriever(index, follow_ups=follow_ups)
    alone, borrowing = retriever.rank_batch(["zebra quokka please"] * 2, vectors, borrowing=[1])
    assert ANSWER in borrowing[0].passage.text
    assert not alone or ANSWER not in alone[0].passage.text


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


def test_a_chat_follow_up_near_a_known_one_is_answered_as_that_one_was(real_settings, real_encoder):
    """The real pipeline, with one known follow-up whose answer is not what "and for how long?"
    finds by itself (the weeks-and-months sentence): the known answer joins the quotes of the
    follow-up, and a chat that never asked the question before gets nothing of it."""
    from bot.answering.conversation import Conversation
    from bot.answering.follow_up import known_reading
    from bot.system import System

    first, follow_up = "can leaky gut cause joint pain?", "and for how long?"
    sleep = "Managing stress and improving sleep are also crucial"

    def quotes(system: System, *messages: str) -> list[str]:
        chat = Conversation()
        for message in messages:
            planned = chat.plan("chat", message)
            answer = chat.settle(planned, system.pipeline.answer_batch([planned.request])[0])
        return [quote.text for quote in answer.quotes]

    plain = System(real_settings, encoder=real_encoder, known_follow_ups=[])
    assert not any(sleep in text for text in quotes(plain, first, follow_up))
    reading = known_reading(follow_up, first, plain.small_talk)
    known = System(
        real_settings, encoder=real_encoder, known_follow_ups=[KnownQuestion(reading, (sleep,))]
    )
    assert any(sleep in text for text in quotes(known, first, follow_up))
    assert not any(sleep in text for text in quotes(known, first))
