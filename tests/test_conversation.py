"""Chat memory expires, the rate limit counts per user and window, and warns once."""

from __future__ import annotations

from bot.telegram.chat_memory import ChatMemory, is_follow_up
from bot.telegram.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_previous_question_expires():
    clock = Clock()
    memory = ChatMemory(ttl=600, clock=clock)
    memory.remember(1, "what is leaky gut")
    clock.now += 599
    assert memory.previous_question(1) == "what is leaky gut"
    assert memory.previous_question(2) is None
    clock.now += 2
    assert memory.previous_question(1) is None


def test_button_tokens_are_short_and_resolve():
    memory = ChatMemory()
    token = memory.token_for("a question " * 50)
    assert len(f"m:{token}:30".encode()) <= 64
    assert memory.question_for(token) == "a question " * 50
    assert memory.question_for("nope") is None


def test_rate_limit_per_user_and_window():
    clock = Clock()
    limiter = RateLimiter(2, 60, clock=clock)
    assert limiter.check(1) == 0 and limiter.check(1) == 0
    assert limiter.check(1) > 0 and limiter.check(2) == 0
    assert limiter.first_warning(1) and not limiter.first_warning(1)
    clock.now += 61
    assert limiter.check(1) == 0
    assert RateLimiter(0).check(1) == 0


def test_follow_ups_are_short():
    assert is_follow_up("and zinc?") and not is_follow_up("") and not is_follow_up("word " * 20)
