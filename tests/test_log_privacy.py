"""No message text and no user id in the logs, at any level, python-telegram-bot's own included:
the bot runs at LOG_LEVEL=DEBUG against the fake Bot API, logging as `quotebot run` sets it up."""

from __future__ import annotations

import io
import logging

import pytest

from bot.ops.logs import NOISY_LOGGERS, PAYLOAD_LOGGER_FLOOR, configure_logging
from tests.fake_telegram import FakeBotAPI
from tests.harness import TOKEN, bot_system, running_bot
from tests.test_telegram import wait_until

MARKER = "zebra-quartz-7741"  # in the messages' text: must never be logged
USER_ID = 7391046628  # the sender (its name, "User7391046628", carries it too)


@pytest.fixture
async def api():
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def debug_logs(monkeypatch) -> io.StringIO:
    """Everything logged, by every logger at every level, as `quotebot run` writes it at DEBUG."""
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    root = logging.getLogger()
    names = (*NOISY_LOGGERS, *PAYLOAD_LOGGER_FLOOR)
    saved = root.handlers[:], root.level, {name: logging.getLogger(name).level for name in names}
    configure_logging("DEBUG", secrets=[TOKEN])
    yield stream
    root.handlers[:], root.level = saved[0], saved[1]
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)


async def test_debug_logs_hold_no_message_text_and_no_user_id(
    api, fake_index_dir, tmp_path, debug_logs
):
    system = bot_system(api, fake_index_dir, tmp_path, log_level="DEBUG")
    async with running_bot(system):
        api.send_text(f"what is leaky gut {MARKER}", chat_id=USER_ID, user_id=USER_ID)
        await api.wait_for_messages(1, chat_id=USER_ID)
        # No date and no chat: python-telegram-bot cannot parse it (and would log it whole).
        api.send_raw({"message": {"message_id": 1, "text": MARKER, "from": api.user(USER_ID)}})
        await wait_until(lambda: "could not be read and were skipped" in debug_logs.getvalue())
        # Polling goes on past it.
        api.send_text("what is an autoimmune disease", chat_id=USER_ID + 1)
        await api.wait_for_messages(1, chat_id=USER_ID + 1)
    system.close()
    logs = debug_logs.getvalue()
    assert "Application started" in logs  # python-telegram-bot's own lines still come through
    # Its per-request DEBUG lines (whole updates, request parameters) are not written at all.
    assert "Calling Bot API endpoint" not in logs and "Processing update" not in logs
    assert MARKER not in logs
    assert str(USER_ID) not in logs
    assert TOKEN.split(":")[1] not in logs
