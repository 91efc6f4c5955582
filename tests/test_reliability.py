"""Telegram faults, load and memory: every question answered exactly once, the process stays up."""

from __future__ import annotations

import asyncio
import logging
import random
import resource
import time
from collections import Counter

import pytest

from tests.fake_telegram import FakeBotAPI, Fault
from tests.harness import TOKEN, bot_system, running_bot

QUESTIONS = [
    "Can leaky gut cause joint pain?",
    "is zinc good for leaky gut",
    "how long until my joints feel better",
    "what is an autoimmune disease",
    "who won the world cup?",
    "I have crushing chest pain",
]


@pytest.fixture
async def api():
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def system(api, fake_index_dir, tmp_path):
    """The bot over the fake-encoder index: what is tested is delivery, not ranking."""
    built = bot_system(api, fake_index_dir, tmp_path)
    yield built
    built.close()


def answers_per_chat(api: FakeBotAPI) -> Counter:
    return Counter(message.chat_id for message in api.sent)


async def test_dropped_connections_and_slow_responses_still_answer_exactly_once(api, system):
    api.fail("sendMessage", Fault(drop=True), Fault(delay=2.0, status=200), Fault(status=503))
    async with running_bot(system):
        for chat, question in zip((701, 702, 703), QUESTIONS):
            api.send_text(question, chat_id=chat)
        await api.wait_for_messages(3, timeout=60)
        await asyncio.sleep(3)
    assert answers_per_chat(api) == {701: 1, 702: 1, 703: 1}


async def test_get_updates_failing_for_a_while(api, system, caplog):
    caplog.set_level(logging.WARNING)
    api.fail(
        "getUpdates",
        Fault(status=502),
        Fault(drop=True),
        Fault(status=500),
        Fault(delay=1.0, status=502),
    )
    async with running_bot(system):
        for chat in (711, 712):
            api.send_text("what is leaky gut", chat_id=chat)
        await api.wait_for_messages(2, timeout=60)
        await asyncio.sleep(1.5)
    assert answers_per_chat(api) == {711: 1, 712: 1}
    assert "Fetching updates failed" in caplog.text


async def test_409_conflict_is_reported_and_polling_recovers(api, system, caplog):
    caplog.set_level(logging.WARNING)
    async with running_bot(system):
        api.conflict = True
        api.send_text("what is leaky gut", chat_id=721)
        deadline = time.monotonic() + 20
        while "another instance is polling with this token" not in caplog.text:
            assert time.monotonic() < deadline, caplog.text
            await asyncio.sleep(0.2)
        api.conflict = False
        await api.wait_for_messages(1, chat_id=721, timeout=60)
    assert answers_per_chat(api)[721] == 1


async def test_a_burst_from_many_users_is_answered_exactly_once(api, system):
    """100 users asking at once (the 1,000-question timing run lives in `make bench`)."""
    rng = random.Random(7)
    users = 100
    async with running_bot(system):
        for user in range(users):
            api.send_text(rng.choice(QUESTIONS), chat_id=100_000 + user, user_id=100_000 + user)
        await api.wait_for_messages(users, timeout=60)
        await asyncio.sleep(0.5)
    counts = answers_per_chat(api)
    assert len(counts) == users and set(counts.values()) == {1}
    assert api.rejected == []


def test_memory_does_not_grow_across_5000_questions(fake_pipeline):
    """Caches stay bounded (the real model's own figure is in `make bench`)."""
    rng = random.Random(5)
    words = [
        "gut",
        "joint",
        "pain",
        "zinc",
        "leaky",
        "fever",
        "swollen",
        "chest",
        "what",
        "how",
        "is",
        "can",
        "my",
        "the",
        "and",
    ]

    def batch() -> list[str]:
        return [rng.choice(QUESTIONS) + " " + " ".join(rng.choices(words, k=3)) for _ in range(50)]

    for _ in range(20):  # 1,000 questions to warm caches and allocator pools
        fake_pipeline.answer_batch(batch())
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for _ in range(80):  # 4,000 more
        fake_pipeline.answer_batch(batch())
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    grown_mb = (after - before) / 1024
    print(f"\npeak RSS grew {grown_mb:.1f} MB over 4,000 questions after a 1,000-question warm-up")
    assert grown_mb < 50
