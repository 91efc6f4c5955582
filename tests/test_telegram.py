"""End to end: the real python-telegram-bot Application over real HTTP against a loopback Bot API."""

from __future__ import annotations

import asyncio
import json
import logging
import socket

import aiohttp
import pytest

from bot.settings import Settings
from bot.telegram.app import build_application
from tests.fake_telegram import FakeBotAPI, Fault
from tests.harness import TOKEN, running_bot

pytestmark = pytest.mark.model
DISCLAIMER_START = "quotebot quotes educational articles; this is not medical advice"


@pytest.fixture
async def api():
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


def assert_complete_answer(messages) -> None:
    """Escalation advice and disclaimer arrive, at the end, in every answer."""
    last = messages[-1].visible_text
    assert "See a doctor or other qualified health professional" in last
    assert DISCLAIMER_START in last


async def settle(seconds: float = 1.5) -> None:
    await asyncio.sleep(seconds)


async def test_private_question_gets_one_reply_with_quotes_and_safety_texts(
    api, real_pipeline, tmp_path
):
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text("Can leaky gut cause joint pain?", chat_id=501)
        [reply] = await api.wait_for_messages(1, chat_id=501)
        await settle(0.5)
    assert len([m for m in api.sent if m.chat_id == 501]) == 1
    assert reply.parse_mode == "HTML" and "<blockquote>" in reply.text
    assert "It can contribute significantly by driving immune activation" in reply.visible_text
    assert "Understanding How Intestinal Barrier Health" in reply.visible_text
    assert_complete_answer([reply])
    assert {b["text"] for b in reply.buttons} >= {"👍", "👎"}
    assert all(len(b["callback_data"].encode()) <= 64 for b in reply.buttons)
    assert reply.params.get("link_preview_options", {}).get("is_disabled") is True
    assert api.chat_actions == []  # answered in milliseconds: no "typing…" call spent on it
    assert api.rejected == []


async def test_a_slow_answer_shows_typing_first(api, real_pipeline, tmp_path):
    class Slow:
        def __init__(self, answerer):
            self.answerer = answerer

        async def answer(self, text, *, offset=0):
            await asyncio.sleep(1.0)
            return await self.answerer.answer(text, offset=offset)

    async with running_bot(api, real_pipeline, tmp_path) as application:
        services = application.bot_data["services"]
        services.answerer = Slow(services.answerer)
        api.send_text("what is leaky gut", chat_id=512)
        [reply] = await api.wait_for_messages(1, chat_id=512)
    assert [(a["chat_id"], a["action"]) for a in api.chat_actions] == [("512", "typing")]
    assert "<blockquote>" in reply.text


async def test_urgent_message_leads_with_urgent_advice(api, real_pipeline, tmp_path):
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text("my knee is hot and swollen and I have a fever", chat_id=502)
        messages = await api.wait_for_messages(1, chat_id=502)
    assert messages[0].visible_text.startswith("⚠️ What you describe can be a medical emergency")
    assert_complete_answer(messages)


async def test_off_topic_question_gets_the_no_answer_reply(api, real_pipeline, tmp_path):
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text("who won the football world cup?", chat_id=503)
        [reply] = await api.wait_for_messages(1, chat_id=503)
    assert "I could not find a passage" in reply.visible_text
    assert "<blockquote>" not in reply.text and not reply.buttons
    assert_complete_answer([reply])


async def test_group_answers_only_when_addressed(api, real_pipeline, tmp_path):
    group = -1001
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text(
            "can leaky gut cause joint pain?", chat_id=group, user_id=7, chat_type="supergroup"
        )
        await settle()
        assert [m for m in api.sent if m.chat_id == group] == []
        api.send_text(
            f"@{api.username} can leaky gut cause joint pain?",
            chat_id=group,
            user_id=7,
            chat_type="supergroup",
        )
        [first] = await api.wait_for_messages(1, chat_id=group)
        assert "It can contribute significantly" in first.visible_text
        assert first.params.get("reply_parameters") or first.params.get("reply_to_message_id")
        api.send_text("/ask what is leaky gut", chat_id=group, user_id=8, chat_type="supergroup")
        api.send_text(
            "and how long until it helps?",
            chat_id=group,
            user_id=7,
            chat_type="supergroup",
            reply_to=first,
        )
        messages = await api.wait_for_messages(3, chat_id=group)
    assert_complete_answer(messages[1:2])
    assert_complete_answer(messages[2:3])


async def test_sticker_gets_the_text_only_hint_and_a_caption_counts_as_text(
    api, real_pipeline, tmp_path
):
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_sticker(chat_id=504)
        [hint] = await api.wait_for_messages(1, chat_id=504)
        api.send_photo(caption="is zinc good for leaky gut?", chat_id=504)
        _, answer = await api.wait_for_messages(2, chat_id=504)
    assert hint.visible_text.startswith("I answer text questions only.")
    assert_complete_answer([hint])
    assert "L-glutamine, zinc, and collagen" in answer.visible_text


async def test_edited_message_is_answered_again(api, real_pipeline, tmp_path):
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text("what is leaky gut", chat_id=505)
        await api.wait_for_messages(1, chat_id=505)
        api.send_text("is zinc good for leaky gut?", chat_id=505, edited=True)
        _, second = await api.wait_for_messages(2, chat_id=505)
    assert "L-glutamine" in second.visible_text


async def test_more_passages_and_feedback(api, real_pipeline, tmp_path):
    async with running_bot(api, real_pipeline, tmp_path) as application:
        api.send_text("how does the gut affect joint pain", chat_id=506)
        [first] = await api.wait_for_messages(1, chat_id=506)
        more = next(b for b in first.buttons if b["text"] == "More passages")
        api.press(first, more["callback_data"])
        _, second = await api.wait_for_messages(2, chat_id=506)
        up = next(b for b in second.buttons if b["text"] == "👍")
        api.press(second, up["callback_data"], user_id=506)
        await settle(1.0)
        feedback = application.bot_data["services"].feedback
        rows = feedback.rows()
    first_quotes = {q for q in first.visible_text.split("\n") if len(q) > 60}
    second_quotes = {q for q in second.visible_text.split("\n") if len(q) > 60}
    assert second_quotes - first_quotes, "More passages showed nothing new"
    assert [a.get("text") for a in api.callback_answers][-1] == "Thank you for the feedback."
    [(created, rating, passage_ids, user_hash)] = rows
    assert rating == 1 and len(passage_ids.split(",")[0].split(".")) >= 1
    assert "506" not in user_hash and len(user_hash) == 32
    database = (tmp_path / "data" / "feedback.sqlite3").read_bytes()
    assert b"gut" not in database  # no message text is stored


async def test_rate_limit_replies_once_and_recovers(api, real_pipeline, tmp_path):
    async with running_bot(api, real_pipeline, tmp_path, rate_limit_per_minute=2):
        for _ in range(4):
            api.send_text("what is leaky gut", chat_id=507)
        await api.wait_for_messages(3, chat_id=507)
        await settle()
    messages = [m for m in api.sent if m.chat_id == 507]
    assert len(messages) == 3
    assert sum("You are asking faster than I can answer" in m.visible_text for m in messages) == 1
    assert_complete_answer(messages)


async def test_429_and_502_still_deliver_the_answer_exactly_once(api, real_pipeline, tmp_path):
    api.fail("sendMessage", Fault(status=429, retry_after=1), Fault(status=502))
    async with running_bot(api, real_pipeline, tmp_path) as application:
        api.send_text("Can leaky gut cause joint pain?", chat_id=508)
        await api.wait_for_messages(1, chat_id=508, timeout=30)
        await settle(2.0)
        retries = application.bot_data["services"].metrics.telegram_retries
    replies = [m for m in api.sent if m.chat_id == 508]
    assert len(replies) == 1
    assert sum(1 for method, _ in api.calls if method == "sendMessage") == 3
    assert retries.labels(reason="retry_after")._value.get() == 1


async def test_a_failing_answer_gets_an_apology_and_the_bot_keeps_running(
    api, real_pipeline, tmp_path, caplog
):
    class Broken:
        async def answer(self, text, offset=0):
            raise RuntimeError("model exploded")

    async with running_bot(api, real_pipeline, tmp_path) as application:
        services = application.bot_data["services"]
        working, services.answerer = services.answerer, Broken()
        api.send_text("what is leaky gut", chat_id=509)
        [apology] = await api.wait_for_messages(1, chat_id=509)
        services.answerer = working
        api.send_text("what is leaky gut", chat_id=509)
        _, answer = await api.wait_for_messages(2, chat_id=509)
    assert apology.visible_text.startswith("Sorry, something went wrong")
    assert_complete_answer([apology])
    assert "<blockquote>" in answer.text


async def test_start_help_sources_about(api, real_pipeline, tmp_path):
    async with running_bot(api, real_pipeline, tmp_path):
        for count, command in enumerate(("/start", "/help", "/sources", "/about"), start=1):
            api.send_text(command, chat_id=510)
            await api.wait_for_messages(count, chat_id=510)
        messages = await api.wait_for_messages(4, chat_id=510)
    start, help_, sources, about = (m.visible_text for m in messages)
    assert "not a doctor" in start and "112" in start
    assert "Ask a question in your own words" in help_
    assert "The Connection Between Joint Pain, Autoimmunity, and Leaky Gut" in sources
    assert "never your words" in about


async def test_follow_up_uses_the_previous_question(api, real_pipeline, tmp_path):
    assert not real_pipeline.answer("and for how long?").answered  # finds nothing on its own
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text("can improving my gut health reduce joint pain", chat_id=511)
        await api.wait_for_messages(1, chat_id=511)
        api.send_text("and for how long?", chat_id=511)
        _, follow_up = await api.wait_for_messages(2, chat_id=511)
    assert "<blockquote>" in follow_up.text


async def test_logs_hold_no_message_text_user_id_or_token(api, real_pipeline, tmp_path, caplog):
    from bot.ops.logs import RedactSecrets

    caplog.set_level(logging.DEBUG)
    caplog.handler.addFilter(RedactSecrets([TOKEN]))
    async with running_bot(api, real_pipeline, tmp_path):
        api.send_text("my secret symptom is zinc deficiency", chat_id=987654321)
        await api.wait_for_messages(1, chat_id=987654321)
    informative = "\n".join(r.getMessage() for r in caplog.records if r.levelno >= logging.INFO)
    everything = caplog.text
    assert TOKEN not in everything and TOKEN.split(":")[1] not in everything
    assert "secret symptom" not in informative and "987654321" not in informative


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def test_webhook_requires_the_secret(api, real_pipeline, tmp_path):
    port = free_port()
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api.url,
        data_dir=tmp_path / "data",
    )
    application = build_application(settings, real_pipeline)
    update = {
        "update_id": 1,
        "message": api.message(512, 512, text="Can leaky gut cause joint pain?"),
    }
    url = f"http://127.0.0.1:{port}/telegram"
    async with application:
        await application.start()
        await application.updater.start_webhook(
            listen="127.0.0.1",
            port=port,
            url_path="telegram",
            webhook_url="https://bot.example.org/telegram",
            secret_token="s3cret-Token_1",
        )
        try:
            async with aiohttp.ClientSession() as session:
                async with session.post(url, json=update) as response:
                    assert response.status == 403
                headers = {"X-Telegram-Bot-Api-Secret-Token": "wrong"}
                async with session.post(url, json=update, headers=headers) as response:
                    assert response.status == 403
                await settle(1.0)
                assert [m for m in api.sent if m.chat_id == 512] == []
                headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
                async with session.post(
                    url,
                    data=json.dumps(update),
                    headers=headers | {"Content-Type": "application/json"},
                ) as response:
                    assert response.status == 200
            [reply] = await api.wait_for_messages(1, chat_id=512)
        finally:
            await application.updater.stop()
            await application.stop()
    assert "<blockquote>" in reply.text
    assert api.webhook_url == "https://bot.example.org/telegram"
