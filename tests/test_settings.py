"""Settings: defaults, `.env`, and one clear line for a bad value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.embedding.model import BUNDLED_MODEL, model_name
from bot.errors import ConfigError
from bot.settings import Settings, effective_settings, load_settings
from tests.harness import TOKEN


def test_defaults():
    settings = Settings(_env_file=None)
    assert settings.corpus_dir == Path("corpus") and settings.index_dir == Path("index")
    assert settings.embedding_model is None and model_name(None) == BUNDLED_MODEL
    assert settings.embedding_backend == "onnx" and settings.bot_mode == "polling"
    assert settings.telegram_bot_token is None
    assert settings.telegram_api_base_url == "https://api.telegram.org"
    assert settings.metrics_listen == "127.0.0.1"  # metrics are not served to the network


def test_environment_and_dotenv_are_read(monkeypatch: pytest.MonkeyPatch, isolated: Path):
    (isolated / ".env").write_text(f"INDEX_DIR=/srv/idx\nTELEGRAM_BOT_TOKEN={TOKEN}\n")
    monkeypatch.setenv("CORPUS_DIR", "/srv/articles")
    settings = load_settings()
    assert settings.corpus_dir == Path("/srv/articles") and settings.index_dir == Path("/srv/idx")
    assert settings.telegram_bot_token.get_secret_value() == TOKEN


def test_api_url_accepts_the_ptb_form():
    settings = Settings(_env_file=None, telegram_api_base_url="http://127.0.0.1:8081/bot/")
    assert settings.telegram_api_base_url == "http://127.0.0.1:8081"


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        (
            "TELEGRAM_BOT_TOKEN",
            "not-a-token",
            "TELEGRAM_BOT_TOKEN: expected a token from @BotFather",
        ),
        ("TELEGRAM_BOT_TOKEN", "123:short", "TELEGRAM_BOT_TOKEN: expected a token"),
        ("TELEGRAM_API_BASE_URL", "ftp://x", "TELEGRAM_API_BASE_URL: expected an http(s) URL"),
        ("EMBEDDING_MODEL", "   ", "EMBEDDING_MODEL: expected"),
        ("BOT_MODE", "carrier-pigeon", "BOT_MODE: expected 'polling' or 'webhook', got"),
        ("EMBEDDING_BACKEND", "tensorflow", "EMBEDDING_BACKEND: expected 'onnx'"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL: expected one of DEBUG, INFO, WARNING, ERROR"),
        ("LOG_FORMAT", "xml", "LOG_FORMAT: expected 'text' or 'json'"),
        ("METRICS_LISTEN", "everywhere", "METRICS_LISTEN: expected an IP address"),
        ("MULTILINGUAL_TRIAGE", "maybe", "MULTILINGUAL_TRIAGE: expected true or false, got"),
        ("INBOX_MAX_PENDING", "0", "INBOX_MAX_PENDING: expected a whole number of updates"),
        ("WEBHOOK_MAX_BODY_BYTES", "big", "WEBHOOK_MAX_BODY_BYTES: expected a number of bytes"),
        ("SHUTDOWN_TIMEOUT_SECONDS", "0", "SHUTDOWN_TIMEOUT_SECONDS: expected a number of seconds"),
        (
            "FEEDBACK_SALT_FILE",
            "/run/secrets/none",
            "FEEDBACK_SALT_FILE: expected the path of a file",
        ),
    ],
)
def test_bad_value_is_one_line_naming_the_variable(monkeypatch, variable, value, expected):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith(expected)
    assert "\n" not in message
    if "TOKEN" in variable:
        assert value not in message


def test_choices_are_matched_whatever_their_case(monkeypatch):
    for variable, value in (
        ("BOT_MODE", " Webhook "),
        ("LOG_LEVEL", "debug"),
        ("LOG_FORMAT", "JSON"),
        ("EMBEDDING_BACKEND", "Torch"),
    ):
        monkeypatch.setenv(variable, value)
    settings = load_settings()
    assert (settings.bot_mode, settings.log_level, settings.log_format) == (
        "webhook",
        "DEBUG",
        "json",
    )
    assert settings.embedding_backend == "torch"


def test_effective_settings_mask_the_token():
    values = effective_settings(Settings(_env_file=None, telegram_bot_token=TOKEN))
    assert TOKEN.split(":")[1] not in str(values)
    assert values["TELEGRAM_BOT_TOKEN"] == "123456789:****** (set)"
    assert values["CORPUS_DIR"] == "corpus"


def test_env_example_lists_every_setting_and_loads(isolated: Path):
    from tests.conftest import REPO

    example = (REPO / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in example, name
    (isolated / ".env").write_text(example)
    settings = load_settings()
    assert settings == Settings(_env_file=None)
