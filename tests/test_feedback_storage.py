"""Where ratings are kept: a salt that is never empty or short, and a data folder that cannot be
used turning feedback off (one warning line, no rating buttons, `quotebot health` says so) while
the bot goes on answering."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat
import subprocess
import sys

import pytest

from bot import cli
from bot.errors import ConfigError, FeedbackError
from bot.system import System
from bot.telegram import callback_data
from bot.telegram.feedback import open_feedback
from bot.telegram.feedback_salt import load_salt
from tests.conftest import REPO
from tests.fake_telegram import FakeBotAPI
from tests.fakes import FakeEncoder
from tests.harness import TOKEN, bot_settings, bot_system, running_bot
from tests.test_telegram import assert_quotes_what_the_pipeline_answers, wait_until

QUESTION = "how does the gut affect joint pain"

# A child process whose files may not grow past 10 bytes: a disk that fills up mid-write.
FULL_DISK = """
import resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_FSIZE, (10, 10))
from bot.errors import FeedbackError
from bot.telegram.feedback_salt import load_salt
try:
    load_salt(Path(sys.argv[1]))
except FeedbackError as exc:
    print(exc)
    sys.exit(1)
"""


def test_a_salt_cut_short_by_a_full_disk_is_never_left_behind(tmp_path):
    data = tmp_path / "data"
    child = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(data)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == 1, child.stderr
    assert child.stdout.startswith(f"cannot write the salt {data / 'feedback.salt'}")
    assert "FEEDBACK_SALT" in child.stdout and child.stdout.count("\n") == 1
    assert list(data.iterdir()) == []  # neither a short salt nor a temporary file
    salt = load_salt(data)  # space again: a whole salt is made
    assert len(salt) == 32 and load_salt(data) == salt
    assert stat.S_IMODE((data / "feedback.salt").stat().st_mode) == 0o600


@pytest.mark.parametrize("content", [b"", b"too short"], ids=["empty", "short"])
def test_a_short_salt_file_is_refused_naming_the_file_and_the_fix(tmp_path, content):
    (tmp_path / "feedback.salt").write_bytes(content)
    with pytest.raises(FeedbackError) as caught:
        load_salt(tmp_path)
    message = str(caught.value)
    assert f"the salt {tmp_path / 'feedback.salt'} holds {len(content)} bytes" in message
    assert "delete" in message and "FEEDBACK_SALT" in message and "\n" not in message


def test_the_salt_can_come_from_a_secrets_file_or_the_environment(tmp_path):
    secret = tmp_path / "feedback_salt"
    secret.write_text("a-docker-secret-of-some-length\n")
    store = open_feedback(tmp_path / "data", salt_file=secret)
    expected = hmac.new(b"a-docker-secret-of-some-length", b"42", hashlib.sha256).hexdigest()
    assert store.user_hash(42) == expected[:32]
    store.close()
    assert not (tmp_path / "data" / "feedback.salt").exists()  # nothing generated beside it
    assert load_salt(tmp_path, "from-the-environment", secret) == b"from-the-environment"
    secret.write_text("short\n")
    with pytest.raises(ConfigError) as caught:
        load_salt(tmp_path, None, secret)
    assert str(caught.value).startswith(f"FEEDBACK_SALT_FILE: {secret} holds 5 bytes")


def test_a_secrets_file_that_cannot_be_used_stops_the_start(api, fake_index_dir, tmp_path):
    secret = tmp_path / "feedback_salt"
    secret.write_text("")
    settings = bot_settings(api, fake_index_dir, tmp_path / "data", feedback_salt_file=secret)
    with pytest.raises(ConfigError, match="FEEDBACK_SALT_FILE"):
        System(settings, encoder=FakeEncoder()).open_feedback()


@pytest.fixture
async def api():
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


def _damaged_database(data):
    data.mkdir()
    (data / "feedback.sqlite3").write_bytes(b"this is not a database\n" * 200)
    return data / "feedback.sqlite3"


def _empty_salt(data):  # what a full disk at first start left behind before
    data.mkdir()
    (data / "feedback.salt").write_bytes(b"")
    return data / "feedback.salt"


def _a_file_not_a_folder(data):
    data.write_text("DATA_DIR points at a file")
    return data


def _read_only_folder(data):
    if os.geteuid() == 0:
        pytest.skip("root writes to read-only folders")
    data.mkdir(mode=0o555)
    return data


@pytest.mark.parametrize(
    "spoil", [_damaged_database, _empty_salt, _a_file_not_a_folder, _read_only_folder]
)
async def test_an_unusable_data_folder_turns_feedback_off_and_the_bot_answers(
    api, fake_index_dir, tmp_path, caplog, capsys, monkeypatch, spoil
):
    culprit = spoil(tmp_path / "data")
    caplog.set_level(logging.WARNING, logger="bot")
    system = bot_system(api, fake_index_dir, tmp_path)
    async with running_bot(system) as application:
        api.send_text(QUESTION, chat_id=811)
        [reply] = await api.wait_for_messages(1, chat_id=811)
        assert application.bot_data["services"].feedback is None
        earlier = callback_data.rating_buttons(["0123456789ab"], 811, b"the key of an earlier run")
        api.press(reply, earlier[0])  # a 👍 under an answer from before
        await wait_until(lambda: len(api.callback_answers) == 1)
        monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
        capsys.readouterr()
        cli.main(["health"])
        health = capsys.readouterr().out
    system.close()
    assert_quotes_what_the_pipeline_answers(reply, system, QUESTION)
    labels = {button["text"] for button in reply.buttons}
    assert "More passages" in labels and not labels & {"👍", "👎"}
    [warning] = [r.getMessage() for r in caplog.records if "Feedback is off" in r.getMessage()]
    assert str(culprit) in warning and "\n" not in warning
    assert api.callback_answers[0].get("text") == system.texts.reply("feedback_off"), (
        api.callback_answers
    )
    [line] = [line for line in health.splitlines() if line.startswith("feedback:")]
    assert line.startswith("feedback: disabled: ") and str(culprit) in line


def test_health_says_feedback_is_on_when_ratings_can_be_stored(
    api, fake_index_dir, tmp_path, capsys, monkeypatch
):
    settings = bot_settings(api, fake_index_dir, tmp_path / "data")
    System(settings, encoder=FakeEncoder()).open_feedback().close()  # as the bot's start does
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    cli.main(["health"])
    assert "feedback: on" in capsys.readouterr().out.splitlines()


async def test_a_rating_the_database_refuses_gets_a_polite_toast(api, fake_index_dir, tmp_path):
    system = bot_system(api, fake_index_dir, tmp_path)
    async with running_bot(system) as application:
        api.send_text(QUESTION, chat_id=812)
        [reply] = await api.wait_for_messages(1, chat_id=812)
        application.bot_data["services"].feedback.close()  # the database goes away while serving
        up = next(b["callback_data"] for b in reply.buttons if b["text"] == "👍")
        api.press(reply, up)
        await wait_until(lambda: len(api.callback_answers) == 1)
        api.send_text("what is leaky gut", chat_id=812)
        await api.wait_for_messages(2, chat_id=812)  # and the bot goes on answering
    system.close()
    assert api.callback_answers[0].get("text") == system.texts.reply("feedback_off"), (
        api.callback_answers
    )
    assert system.metrics.registry.get_sample_value("quotebot_errors_total") == 0
