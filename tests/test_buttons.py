"""Button presses as an attacker or an impatient user makes them, through the real Application and
the fake Bot API: each counts against the rate limit, a "More passages" button answers once and only
in its own chat for an hour, and only ratings under answers the bot sent are stored."""

from __future__ import annotations

import pytest

from bot.system import System
from bot.telegram import callback_data
from bot.telegram.callback_data import RatingPress
from tests.fake_telegram import FakeBotAPI, Fault, SentMessage
from tests.fakes import FakeEncoder
from tests.harness import TOKEN, bot_settings, bot_system, running_bot
from tests.test_telegram import assert_quotes_what_the_pipeline_answers, settle, wait_until

QUESTION = "how does the gut affect joint pain"  # three pages of passages on the fake index


@pytest.fixture
async def api():
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def system(api, fake_index_dir, tmp_path) -> System:
    built = bot_system(api, fake_index_dir, tmp_path)
    yield built
    built.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def button(message: SentMessage, label: str) -> str:
    return next(b["callback_data"] for b in message.buttons if b["text"] == label)


def text_edits(api: FakeBotAPI, chat_id: int) -> list:
    return [edit for edit in api.edits if edit[:2] == ("text", chat_id)]


def alerts(api: FakeBotAPI) -> list[str]:
    return [a["text"] for a in api.callback_answers if a.get("show_alert") in (True, "true")]


async def test_button_presses_count_against_the_rate_limit(api, fake_index_dir, tmp_path):
    limited = bot_system(api, fake_index_dir, tmp_path, rate_limit_per_minute=2)
    async with running_bot(limited) as application:
        api.send_text(QUESTION, chat_id=801)  # 1 of 2
        [message] = await api.wait_for_messages(1, chat_id=801)
        api.press(message, button(message, "More passages"))  # 2 of 2: answered
        await wait_until(lambda: len(text_edits(api, 801)) == 1)
        api.press(message, button(message, "More passages"))  # over the limit
        api.press(message, button(message, "👍"))  # over the limit
        await wait_until(lambda: len(api.callback_answers) == 3)
        await settle(0.5)
        rows = application.bot_data["services"].feedback.rows()
    limited.close()
    assert len(text_edits(api, 801)) == 1  # the pressed-too-fast "More" showed nothing
    assert rows == []  # nor was the rating stored
    toasts = [answer.get("text", "") for answer in api.callback_answers[1:]]
    assert all(toast.startswith("Too many presses. Please wait") for toast in toasts), toasts
    assert limited.metrics.registry.get_sample_value("quotebot_rate_limited_total") == 2


async def test_a_more_button_answers_once_and_only_in_its_own_chat(api, system):
    async with running_bot(system):
        api.send_text(QUESTION, chat_id=802)
        api.send_text(QUESTION, chat_id=803)
        [mine] = await api.wait_for_messages(1, chat_id=802)
        [theirs] = await api.wait_for_messages(1, chat_id=803)
        more = button(mine, "More passages")
        api.press(theirs, more)  # chat 802's button, pressed in chat 803
        await wait_until(lambda: len(api.callback_answers) == 1)
        api.press(mine, more)
        api.press(mine, more)  # a double tap, or a replay of the same press
        await wait_until(lambda: len(api.callback_answers) == 3)
        await settle(0.5)
    assert alerts(api) == [system.texts.reply("expired")]  # for chat 803's press only
    assert text_edits(api, 803) == [] and len(text_edits(api, 802)) == 1
    assert [len([m for m in api.sent if m.chat_id == chat]) for chat in (802, 803)] == [1, 1]
    assert_quotes_what_the_pipeline_answers(mine, system, QUESTION, offset=3)


async def test_a_more_button_expires_after_an_hour(api, fake_index_dir, tmp_path):
    clock = Clock()
    aging = System(
        bot_settings(api, fake_index_dir, tmp_path / "data"), encoder=FakeEncoder(), clock=clock
    )
    async with running_bot(aging):
        api.send_text(QUESTION, chat_id=804)
        [message] = await api.wait_for_messages(1, chat_id=804)
        clock.now += 3600
        api.press(message, button(message, "More passages"))
        await wait_until(lambda: len(api.callback_answers) == 1)
        await settle(0.3)
    aging.close()
    assert alerts(api) == [aging.texts.reply("expired")]
    assert text_edits(api, 804) == []


async def test_only_ratings_under_answers_the_bot_sent_in_that_chat_are_stored(api, system):
    async with running_bot(system) as application:
        api.send_text(QUESTION, chat_id=805)
        api.send_text("what is leaky gut", chat_id=806)
        [mine] = await api.wait_for_messages(1, chat_id=805)
        [theirs] = await api.wait_for_messages(1, chat_id=806)
        up = button(mine, "👍")
        sealed = callback_data.parse(up)
        forged = [
            callback_data.encode(RatingPress(1, ("0123456789ab",), sealed.seal)),  # other ids
            callback_data.encode(RatingPress(-1, sealed.passage_ids, sealed.seal)),  # 👎 for 👍
            up[: -len(sealed.seal)] + "0" * len(sealed.seal),  # a made-up seal
            up + "0" * (65 - len(up)),  # over Telegram's 64 bytes
        ]
        api.press(theirs, up)  # chat 805's rating, pressed in chat 806
        for data in forged:
            api.press(mine, data)
        await wait_until(lambda: len(api.callback_answers) == 1 + len(forged))
        api.press(mine, up)
        await wait_until(lambda: len(api.callback_answers) == 2 + len(forged))
        await settle(0.3)
        rows = application.bot_data["services"].feedback.rows()
    [(_, rating, passage_ids, _)] = rows
    assert rating == 1 and tuple(passage_ids.split(",")) == sealed.passage_ids
    thanks = [a for a in api.callback_answers if a.get("text") == "Thank you for the feedback."]
    assert len(thanks) == 1
    assert [edit for edit in api.edits if edit[1] == 806] == []


async def test_a_press_too_old_for_telegram_gets_no_apology(api, system):
    """A press that waited in the inbox across a restart: Telegram refuses the late answer to it;
    the chat gets nothing, not an apology for a press the user has forgotten."""
    async with running_bot(system):
        api.send_text(QUESTION, chat_id=806)
        [answer] = await api.wait_for_messages(1, chat_id=806)
        api.fail(
            "answerCallbackQuery",
            Fault(
                status=400,
                description="Bad Request: query is too old and response timeout expired or "
                "query id is invalid",
            ),
        )
        api.press(answer, button(answer, "More passages"))
        await wait_until(lambda: any(m == "answerCallbackQuery" for m, _ in api.calls))
        await settle(0.5)
    assert len([m for m in api.sent if m.chat_id == 806]) == 1
