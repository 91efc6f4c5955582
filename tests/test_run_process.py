"""`quotebot run` as operators start it: fail fast with one line, serve, stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from bot.settings import Settings
from tests.conftest import REAL_CORPUS
from tests.fake_telegram import FakeBotAPI
from tests.harness import TOKEN


def run_cli(*args: str, env: dict, cwd) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(**extra: str) -> dict:
    """The environment of the test run without any quotebot setting, then ``extra``."""
    settings = {name.upper() for name in Settings.model_fields}
    env = {k: v for k, v in os.environ.items() if k not in settings}
    return env | {"CORPUS_DIR": str(REAL_CORPUS)} | extra


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({}, "quotebot: error: TELEGRAM_BOT_TOKEN: expected a token from @BotFather"),
        ({"TELEGRAM_BOT_TOKEN": "12345:short"}, "quotebot: error: TELEGRAM_BOT_TOKEN: expected"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_MODE": "webhook"},
            "quotebot: error: WEBHOOK_URL: expected",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "BOT_MODE": "carrier-pigeon"},
            "quotebot: error: BOT_MODE: expected 'polling' or 'webhook'",
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "INDEX_DIR": "no-index-here"},
            "quotebot: error: No index in no-index-here; run `quotebot index build`.",
        ),
    ],
)
def test_start_up_fails_fast_with_one_line(tmp_path, extra, message):
    result = run_cli("run", env=base_env(**extra), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert TOKEN not in result.stderr and "short" not in result.stderr


@pytest.mark.model
async def test_serves_then_stops_cleanly_on_sigterm(tmp_path, real_encoder, models_dir):
    api = FakeBotAPI(TOKEN)
    await api.start()
    # An operator's mounted corpus and an empty index volume: INDEX_BUILD_ON_START builds it.
    corpus = tmp_path / "mounted-corpus"
    shutil.copytree(REAL_CORPUS, corpus)
    env = base_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=api.url,
        CORPUS_DIR=str(corpus),
        INDEX_DIR=str(tmp_path / "index-volume"),
        INDEX_BUILD_ON_START="true",
        DATA_DIR=str(tmp_path / "data"),
        MODEL_CACHE_DIR=str(models_dir),
        METRICS_PORT=str(metrics_port := free_port()),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 90
        while not any(method == "getUpdates" for method, _ in api.calls):
            assert time.monotonic() < deadline, "the bot never started polling"
            assert process.returncode is None, (await process.stderr.read()).decode()
            await asyncio.sleep(0.2)
        api.send_text("Can leaky gut cause joint pain?", chat_id=601)
        [reply] = await api.wait_for_messages(1, chat_id=601, timeout=30)
        assert "<blockquote>" in reply.text
        assert (tmp_path / "index-volume" / "manifest.json").is_file()
        health = run_cli("health", env=env, cwd=tmp_path)
        assert health.returncode == 0 and health.stdout.startswith("healthy: serving (polling)")
        assert "feedback: on" in health.stdout
        metrics = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5)
        assert 'quotebot_questions_total{outcome="answered"} 1.0' in metrics.read().decode()
        # METRICS_LISTEN's default: loopback only. Linux routes all of 127/8 to loopback, so a
        # server on every interface would take this connection too.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", metrics_port), timeout=5).close()

        api.send_text("what is leaky gut", chat_id=602)
        await asyncio.sleep(0.05)
        stopped_at = time.monotonic()
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), timeout=10)
        assert time.monotonic() - stopped_at < 10
        assert process.returncode == 0
        assert run_cli("health", env=env, cwd=tmp_path).returncode == 1
        # The last question was either answered before exit or is still waiting for the next start.
        answered = [m for m in api.sent if m.chat_id == 602]
        assert len(answered) == 1 or api.pending_updates() == 1
        logs = (await process.stderr.read()).decode()
        assert TOKEN.split(":")[1] not in logs
        assert "leaky gut" not in logs
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await api.stop()
