"""Running the real bot against the fake Bot API inside a test."""

from __future__ import annotations

import contextlib
from pathlib import Path

from bot.settings import Settings
from bot.telegram.app import build_application
from bot.telegram.serve import ALLOWED_UPDATES, report_polling_error
from tests.fake_telegram import FakeBotAPI

TOKEN = "123456789:AAEhBOweik9ai2o4kjN0_-abcdefghijklmno"


@contextlib.asynccontextmanager
async def running_bot(api: FakeBotAPI, pipeline, tmp_path: Path, **overrides):
    """The bot, polling the fake API, for the duration of the block."""
    settings = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api.url,
        data_dir=tmp_path / "data",
        **overrides,
    )
    application = build_application(settings, pipeline)
    async with application:
        await application.start()
        await application.updater.start_polling(
            poll_interval=0.0,
            timeout=1,
            allowed_updates=ALLOWED_UPDATES,
            error_callback=report_polling_error,
        )
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
