"""The fake Bot API rejects what Telegram rejects, seen through python-telegram-bot's own Bot."""

from __future__ import annotations

import re

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, InvalidToken

from tests.fake_telegram import FakeBotAPI
from tests.harness import TOKEN


@pytest.fixture
async def bot():
    api = FakeBotAPI(TOKEN)
    await api.start()
    async with Bot(TOKEN, base_url=f"{api.url}/bot") as client:
        yield client, api
    await api.stop()


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", "Can't find end tag"),
        ("<div>no</div>", 'Unsupported start tag "div"'),
        ("fish & chips", "Character '&' is reserved"),
        ("x" * 4097, "message is too long"),
        ("   ", "message text is empty"),
        ("<b></b>", "message text is empty"),
    ],
)
async def test_what_telegram_rejects_is_rejected(bot, text, error):
    client, api = bot
    with pytest.raises(BadRequest, match="(?i)" + re.escape(error)):
        await client.send_message(1, text, parse_mode="HTML")
    assert api.sent == []


async def test_limits_count_visible_utf16_units(bot):
    client, api = bot
    await client.send_message(
        1, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML"
    )  # tags do not count
    with pytest.raises(BadRequest, match="(?i)too long"):
        await client.send_message(1, "🙂" * 2049, parse_mode="HTML")  # 4098 UTF-16 units
    assert len(api.sent) == 1


async def test_callback_data_over_64_bytes_is_rejected(bot):
    client, _ = bot
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("More", callback_data="m" * 65)]])
    with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
        await client.send_message(1, "hi", reply_markup=markup)


async def test_a_wrong_token_is_unauthorized():
    api = FakeBotAPI(TOKEN)
    await api.start()
    try:
        with pytest.raises(InvalidToken):
            async with Bot(
                "987654321:AAEhBOweik9ai2o4kjN0_-zzzzzzzzzzzzzzzzz", base_url=f"{api.url}/bot"
            ):
                pass
    finally:
        await api.stop()
