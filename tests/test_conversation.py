"""The conversation rule every channel applies, its memory, the button tokens and the rate limit."""

from __future__ import annotations

from bot.answering.answer import Answer, Quote
from bot.answering.conversation import Conversation, is_follow_up
from bot.telegram import callback_data
from bot.telegram.callback_data import MorePress, RatingPress
from bot.telegram.question_tokens import QuestionTokens
from bot.telegram.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def answer(question: str, *, quoted: bool, urgent: bool = False) -> Answer:
    quotes = (Quote("text", "doc", "Title", None, "doc.md", 0, 4, 0.5),) if quoted else ()
    return Answer(
        question,
        quotes,
        "escalation",
        "disclaimer",
        urgent_advice=("urgent",) if urgent else (),
        status="answered" if quoted else "no_answer",
    )


def test_a_short_follow_up_is_also_read_after_the_previous_question():
    conversation = Conversation()
    first = conversation.plan(1, "what is leaky gut")
    assert first.questions == ("what is leaky gut",)
    conversation.settle(first, [answer("what is leaky gut", quoted=True)])
    turn = conversation.plan(1, "and for how long?")
    assert turn.questions == ("and for how long?", "what is leaky gut and for how long?")
    chosen = conversation.settle(
        turn,
        [answer(q, quoted=i == 1) for i, q in enumerate(turn.questions)],
    )
    assert chosen.question == "what is leaky gut and for how long?"
    assert conversation.previous_question(1) == "what is leaky gut and for how long?"
    assert conversation.plan(2, "and for how long?").questions == ("and for how long?",)


def test_the_message_alone_wins_when_it_finds_something_or_is_urgent():
    conversation = Conversation()
    conversation.settle(conversation.plan(1, "what is leaky gut"), [answer("x", quoted=True)])
    turn = conversation.plan(1, "is zinc good?")
    alone = answer("is zinc good?", quoted=True)
    assert conversation.settle(turn, [alone, answer("with context", quoted=True)]) is alone
    turn = conversation.plan(1, "my chest hurts badly")
    urgent = answer("my chest hurts badly", quoted=False, urgent=True)
    assert conversation.settle(turn, [urgent, answer("with context", quoted=True)]) is urgent
    assert conversation.previous_question(1) == "is zinc good?"  # urgent turns are not remembered


def test_previous_question_expires():
    clock = Clock()
    conversation = Conversation(ttl=600, clock=clock)
    conversation.settle(
        conversation.plan(1, "what is leaky gut"), [answer("what is leaky gut", quoted=True)]
    )
    clock.now += 599
    assert conversation.previous_question(1) == "what is leaky gut"
    clock.now += 2
    assert conversation.previous_question(1) is None
    assert conversation.plan(1, "and zinc?").questions == ("and zinc?",)


def test_follow_ups_are_short():
    assert is_follow_up("and zinc?") and not is_follow_up("") and not is_follow_up("word " * 20)


def test_button_data_round_trips_and_fits_in_64_bytes():
    tokens = QuestionTokens()
    token = tokens.issue("a question " * 50)
    more = MorePress(token, 30)
    rating = RatingPress(-1, ("0123456789abcdef", "fedcba9876543210", "00112233445566778899"))
    for press in (more, rating):
        data = callback_data.encode(press)
        assert len(data.encode()) <= 64
    assert callback_data.parse(callback_data.encode(more)) == more
    assert callback_data.parse(callback_data.encode(rating)) == RatingPress(
        -1, ("0123456789ab", "fedcba987654", "001122334455")
    )
    assert tokens.resolve(token) == "a question " * 50 and tokens.resolve("nope") is None


def test_data_quotebot_did_not_write_is_not_a_press():
    for data in (
        None,
        "",
        "m:xyz:1",
        "m:abc:",
        "f:*:abc",
        "f:+:" + "a" * 60,
        "x:1:2",
        "m:ab:99999999",
    ):
        assert callback_data.parse(data) is None, data


def test_rate_limit_per_user_and_window():
    clock = Clock()
    limiter = RateLimiter(2, 60, clock=clock)
    assert limiter.check(1) == 0 and limiter.check(1) == 0
    assert limiter.check(1) > 0 and limiter.check(2) == 0
    assert limiter.first_warning(1) and not limiter.first_warning(1)
    clock.now += 61
    assert limiter.check(1) == 0
    assert RateLimiter(0).check(1) == 0
