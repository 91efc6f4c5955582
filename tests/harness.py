"""Running the real bot, through quotebot's own start-up, against the fake Bot API inside a test."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from bot.settings import Settings
from bot.system import System
from bot.telegram.app import build_application
from bot.telegram.serve import serve
from tests.fake_telegram import FakeBotAPI
from tests.fakes import FakeEncoder

TOKEN = "123456789:AAEhBOweik9ai2o4kjN0_-abcdefghijklmno"


def bot_settings(api: FakeBotAPI, index_dir: Path, data_dir: Path, **overrides) -> Settings:
    """What an operator would set for a bot talking to ``api``, over the real corpus."""
    from tests.conftest import fake_settings

    return fake_settings(
        index_dir,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=api.url,
        data_dir=data_dir,
        **overrides,
    )


def bot_system(
    api: FakeBotAPI, index_dir: Path, tmp_path: Path, *, encoder=None, answerer=None, **overrides
) -> System:
    """quotebot's parts for a bot talking to ``api`` (the fake encoder unless one is given)."""
    settings = bot_settings(api, index_dir, tmp_path / "data", **overrides)
    return System(settings, encoder=encoder or FakeEncoder(), answerer=answerer)


@contextlib.asynccontextmanager
async def running_bot(system: System):
    """The bot, started by :func:`bot.telegram.serve.serve` as `quotebot run` starts it, polling
    the fake API for the duration of the block, then stopped as on SIGTERM."""
    application = build_application(system.settings, system.telegram_services())
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(application, system.settings, stop=stop, poll_timeout=0.2))
    try:
        while not (application.running and application.updater.running):
            if serving.done():
                serving.result()  # start-up failed: raise its error here
            await asyncio.sleep(0.01)
        yield application
    finally:
        stop.set()
        await serving
