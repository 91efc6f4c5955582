"""A hard kill loses no question: `quotebot run` killed with SIGKILL during a burst, restarted,
answers every question, in polling and in webhook mode, and answers almost none twice."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import aiohttp
import pytest

from tests.fake_telegram import FakeBotAPI
from tests.harness import TOKEN
from tests.test_run_process import base_env
from tests.test_telegram import free_port

pytestmark = pytest.mark.model
BURST = 100
SECRET = "crash-test-Secret_1"
QUESTIONS = (
    "Can leaky gut cause joint pain?",
    "what is an autoimmune disease",
    "how long until my joints feel better",
    "is zinc good for leaky gut",
)


class BotProcess:
    """`python -m bot run` in a subprocess over the real model and index."""

    def __init__(self, env: dict, cwd: Path) -> None:
        self.env, self.cwd = env, cwd
        self.process: asyncio.subprocess.Process | None = None
        self.stderr = b""

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=self.env,
            cwd=self.cwd,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        self.stderr += await self.process.stderr.read()

    async def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()
        await self._reader

    async def terminate(self) -> None:
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(self.process.wait(), timeout=15)
        await self._reader


def bot_env(api: FakeBotAPI, tmp_path: Path, index_dir: Path, models_dir: Path, **extra) -> dict:
    return base_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.url,
        INDEX_DIR=str(index_dir),
        DATA_DIR=str(tmp_path / "data"),
        MODEL_CACHE_DIR=str(models_dir),
        MULTILINGUAL_TRIAGE="false",
        RATE_LIMIT_PER_MINUTE="0",
        **extra,
    )


async def until(condition, timeout: float, what: str, bot: BotProcess | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if bot is not None and bot.process.returncode is not None:
            raise AssertionError(f"the bot exited: {bot.stderr.decode()[-2000:]}")
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.01)


def answers_per_chat(api: FakeBotAPI, chats) -> Counter:
    counts = Counter(message.chat_id for message in api.sent)
    return Counter({chat: counts[chat] for chat in chats})


def assert_repeated_only_what_was_in_flight(counts: Counter, answered_before: set) -> None:
    """At-least-once delivery: a question is answered twice only when its reply had reached
    Telegram when the process was killed, before its update was marked done; nothing answered
    after the restart is answered twice, and no chat gets more than one repeat."""
    repeated = {chat for chat, n in counts.items() if n > 1}
    assert repeated <= answered_before, sorted(repeated - answered_before)
    assert max(counts.values()) <= 2


def burst_chats(base: int) -> range:
    return range(base, base + BURST)


async def test_sigkill_during_a_polling_burst_loses_nothing(
    tmp_path, real_index_dir, models_dir, real_encoder
):
    api = FakeBotAPI(TOKEN)
    await api.start()
    bot = BotProcess(bot_env(api, tmp_path, real_index_dir, models_dir), tmp_path)
    chats = burst_chats(10_000)
    try:
        await bot.start()
        await until(lambda: any(m == "getUpdates" for m, _ in api.calls), 90, "never polled", bot)
        for n, chat in enumerate(chats):
            api.send_text(QUESTIONS[n % len(QUESTIONS)], chat_id=chat, user_id=chat)
        await until(lambda: api.sent, 60, "nothing answered", bot)
        await bot.kill()  # as the first answer goes out
        answered_before = {message.chat_id for message in api.sent}

        bot = BotProcess(bot.env, tmp_path)
        await bot.start()
        await until(lambda: all(answers_per_chat(api, chats).values()), 120, "questions lost", bot)
        await asyncio.sleep(1)  # anything answered twice shows up now
        await bot.terminate()
    finally:
        if bot.process and bot.process.returncode is None:
            await bot.kill()
        await api.stop()
    counts = answers_per_chat(api, chats)
    assert len(answered_before) < BURST  # the kill came before the burst was answered
    assert min(counts.values()) == 1
    assert_repeated_only_what_was_in_flight(counts, answered_before)
    assert b"leaky gut" not in bot.stderr


async def post_until_accepted(session, url: str, update: dict, stop_at: float) -> None:
    """Telegram's side of a webhook: the update is sent again until a 200 comes back."""
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}
    while time.monotonic() < stop_at:
        try:
            async with session.post(url, data=json.dumps(update), headers=headers) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.2)
    raise AssertionError("the webhook never accepted an update")


async def test_sigkill_during_a_webhook_burst_loses_nothing(
    tmp_path, real_index_dir, models_dir, real_encoder
):
    api = FakeBotAPI(TOKEN)
    await api.start()
    port = free_port()
    env = bot_env(
        api,
        tmp_path,
        real_index_dir,
        models_dir,
        BOT_MODE="webhook",
        WEBHOOK_URL="https://bot.example.org/telegram",
        WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    bot = BotProcess(env, tmp_path)
    chats = burst_chats(20_000)
    url = f"http://127.0.0.1:{port}/telegram"
    try:
        await bot.start()
        await until(lambda: api.webhook_url, 90, "never set its webhook", bot)
        stop_at = time.monotonic() + 150
        async with aiohttp.ClientSession() as session:
            senders = [
                asyncio.create_task(
                    post_until_accepted(
                        session,
                        url,
                        {
                            "update_id": chat,
                            "message": api.message(chat, chat, text=QUESTIONS[n % len(QUESTIONS)]),
                        },
                        stop_at,
                    )
                )
                for n, chat in enumerate(chats)
            ]
            await until(lambda: api.sent, 60, "nothing answered", bot)
            await bot.kill()
            answered_before = {message.chat_id for message in api.sent}
            bot = BotProcess(env, tmp_path)
            await bot.start()
            await asyncio.gather(*senders)
        await until(lambda: all(answers_per_chat(api, chats).values()), 120, "questions lost", bot)
        await asyncio.sleep(1)
        await bot.terminate()
    finally:
        if bot.process and bot.process.returncode is None:
            await bot.kill()
        await api.stop()
    counts = answers_per_chat(api, chats)
    assert len(answered_before) < BURST
    assert min(counts.values()) == 1
    assert_repeated_only_what_was_in_flight(counts, answered_before)


def test_the_inbox_is_kept_under_data_dir(tmp_path):
    """What the crash tests rely on: the inbox file is where the operator's volume is."""
    from bot.telegram.inbox import INBOX_FILE, open_inbox

    inbox = open_inbox(tmp_path / "data")
    assert inbox.add(1, "{}") and not inbox.add(1, "{}")
    inbox.close()
    assert (tmp_path / "data" / INBOX_FILE).is_file()
    assert os.path.getsize(tmp_path / "data" / INBOX_FILE) > 0
