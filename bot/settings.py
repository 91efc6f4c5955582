"""Every setting of quotebot, read from the environment and `.env`, in one class.

Tests build ``Settings(...)`` explicitly with ``_env_file=None``; the program calls
:func:`load_settings`, which turns a validation failure into one line naming the variable.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError

TELEGRAM_API = "https://api.telegram.org"
# Corpus articles are a few KB; 5 MB is a long book. A build holds a file's text several times
# over (text, passages, vectors), so the limit is what stops one stray file from taking gigabytes.
DEFAULT_MAX_FILE_BYTES = 5_000_000


def _folded(case: str):
    """Operators write `Webhook`, `info`: a choice is matched whatever its case."""
    return BeforeValidator(
        lambda value: getattr(value.strip(), case)() if isinstance(value, str) else value
    )


Backend = Annotated[Literal["onnx", "torch"], _folded("lower")]
BotMode = Annotated[Literal["polling", "webhook"], _folded("lower")]
LogLevel = Annotated[Literal["DEBUG", "INFO", "WARNING", "ERROR"], _folded("upper")]
LogFormat = Annotated[Literal["text", "json"], _folded("lower")]

# What BotFather hands out: the bot's numeric id, a colon, and a 35-character secret.
_TOKEN_RE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{30,64}$")

# What each variable expects, for the one-line error when its value is rejected.
EXPECTED: dict[str, str] = {
    "corpus_dir": "a directory path",
    "index_dir": "a directory path",
    "embedding_model": (
        "nothing (the bundled all-MiniLM-L6-v2), a local model directory, or a Hugging Face model name"
    ),
    "embedding_backend": "'onnx' (onnxruntime, the default) or 'torch' (sentence-transformers)",
    "model_cache_dir": "a directory path",
    "telegram_bot_token": "a token from @BotFather such as 123456789:AAE... (digits, ':', 35 characters)",
    "telegram_api_base_url": f"an http(s) URL of a Bot API server, such as {TELEGRAM_API}",
    "max_quotes": "a whole number of quotes per answer from 1 to 10",
    "relevance_threshold": "a cosine similarity between 0 and 1, such as 0.3",
    "texts_file": "the path of a texts TOML file (see bot/data/texts.toml)",
    "red_flags_file": "the path of a red-flags TOML file (see bot/data/red_flags.toml)",
    "small_talk_file": "the path of a small-talk TOML file (see bot/data/small_talk.toml)",
    "subjects_file": "the path of a subjects TOML file (see bot/data/subjects.toml)",
    "cautions_file": "the path of a cautions TOML file (see bot/data/cautions.toml)",
    "synonyms_file": "the path of a synonyms TOML file (see bot/data/synonyms.toml)",
    "log_level": "one of DEBUG, INFO, WARNING, ERROR",
    "bot_mode": "'polling' or 'webhook'",
    "webhook_url": "the public https URL Telegram posts updates to, such as https://bot.example.org/telegram",
    "webhook_secret": "1-256 characters of A-Z, a-z, 0-9, _ and -",
    "webhook_listen": "an IP address to listen on, such as 0.0.0.0",
    "webhook_port": "a port number from 1 to 65535",
    "webhook_max_body_bytes": "a number of bytes from 1024 to 104857600, such as 1048576",
    "inbox_max_pending": "a whole number of updates from 1 to 1000000",
    "inbox_max_age_hours": "a number of hours from 0.1 to 168",
    "shutdown_timeout_seconds": "a number of seconds from 1 to 600",
    "data_dir": "a directory path",
    "rate_limit_per_minute": "a whole number of questions and button presses per user per minute (0 turns the limit off)",
    "followup_ttl_seconds": "a number of seconds from 10 to 86400",
    "feedback_salt": "a secret string of at least 16 characters",
    "feedback_salt_file": (
        "the path of a file holding the salt (at least 16 secret bytes), such as /run/secrets/feedback_salt"
    ),
    "metrics_port": "a port number for the Prometheus endpoint (0 turns it off)",
    "metrics_listen": "an IP address for the Prometheus endpoint to listen on, such as 127.0.0.1 or 0.0.0.0",
    "log_format": "'text' or 'json'",
    "index_build_on_start": "true or false",
    "multilingual_triage": "true or false",
    "corpus_max_file_bytes": "a whole number of bytes from 1,000 to 1,000,000,000, such as 5000000",
    "index_poll_seconds": "a number of seconds from 0.5 to 3600, or 0 to turn the watch off",
}


class Settings(BaseSettings):
    """quotebot's configuration; each field is the environment variable of the same name."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    corpus_dir: Path = Field(Path("corpus"), description="Folder of the articles to quote.")
    index_dir: Path = Field(Path("index"), description="Folder the built index is written to.")
    embedding_model: str | None = Field(
        None,
        description="Sentence-transformers model: a local path or a hub name (default: the bundled one).",
    )
    embedding_backend: Backend = Field(
        "onnx",
        description="What runs the model: onnx (onnxruntime) or torch (sentence-transformers).",
    )
    model_cache_dir: Path | None = Field(
        None, description="Where ONNX exports of the model are kept (default: DATA_DIR/models)."
    )
    telegram_bot_token: SecretStr | None = Field(None, description="Bot token from @BotFather.")
    telegram_api_base_url: str = Field(
        TELEGRAM_API, description="Bot API server; change it for a self-hosted or test server."
    )
    max_quotes: int = Field(3, ge=1, le=10, description="Most quotes in one answer.")
    relevance_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Cosine below which nothing is quoted (default: tuned value).",
    )
    texts_file: Path | None = Field(
        None, description="Fixed texts (default: the bundled texts.toml)."
    )
    red_flags_file: Path | None = Field(
        None,
        description="Red flags in English (default: the bundled file); red_flags.<code>.toml beside it for other languages.",
    )
    multilingual_triage: bool = Field(
        True,
        description=(
            "Read messages in other languages for red flags with the multilingual model too, "
            "and tell their chatter from their questions."
        ),
    )
    small_talk_file: Path | None = Field(
        None, description="Small-talk phrases (default: the bundled small_talk.toml)."
    )
    subjects_file: Path | None = Field(
        None, description="Named subjects checked against the corpus (default: the bundled file)."
    )
    synonyms_file: Path | None = Field(
        None, description="Everyday words matched to the articles' words (default: bundled)."
    )
    cautions_file: Path | None = Field(
        None, description="When a caution leads an answer (default: the bundled cautions.toml)."
    )
    log_level: LogLevel = Field("INFO", description="Logging level.")
    bot_mode: BotMode = Field("polling", description="How updates arrive: polling or webhook.")
    webhook_url: str | None = Field(None, description="Public HTTPS URL for webhook mode.")
    webhook_secret: SecretStr | None = Field(
        None, description="Secret Telegram sends in webhook mode."
    )
    webhook_listen: str = Field("0.0.0.0", description="Address the webhook server listens on.")
    webhook_port: int = Field(
        8443, ge=1, le=65535, description="Port the webhook server listens on."
    )
    webhook_max_body_bytes: int = Field(
        1_048_576,
        ge=1024,
        le=104_857_600,
        description="Largest webhook request read; a larger one is refused unread (413).",
    )
    data_dir: Path = Field(
        Path("data"), description="The inbox, the feedback database and other state."
    )
    inbox_max_pending: int = Field(
        10_000,
        ge=1,
        le=1_000_000,
        description="Updates waiting at most; past it Telegram holds the rest until some are answered.",
    )
    inbox_max_age_hours: float = Field(
        24,
        ge=0.1,
        le=168,
        description="A question not answered within this time (the bot was down) is given up.",
    )
    shutdown_timeout_seconds: float = Field(
        8,
        ge=1,
        le=600,
        description="Longest a stop waits for answers in progress; the rest are answered at the next start.",
    )
    rate_limit_per_minute: int = Field(
        10, ge=0, le=10_000, description="Questions and button presses per user per minute."
    )
    followup_ttl_seconds: float = Field(
        300, ge=10, le=86_400, description="How long a chat's previous question is remembered."
    )
    feedback_salt: SecretStr | None = Field(
        None, description="Salt for user-id hashes (default: generated)."
    )
    feedback_salt_file: Path | None = Field(
        None,
        description="File holding the salt, such as a Docker secret (instead of FEEDBACK_SALT).",
    )
    metrics_port: int = Field(0, ge=0, le=65535, description="Prometheus /metrics port; 0 is off.")
    metrics_listen: str = Field(
        "127.0.0.1",
        description="Address the metrics endpoint listens on (0.0.0.0: every interface).",
    )
    log_format: LogFormat = Field("text", description="Log lines as text or JSON.")
    index_build_on_start: bool = Field(
        False,
        description="Rebuild the index (if changed) before serving; a failed build keeps the last good one.",
    )
    corpus_max_file_bytes: int = Field(
        DEFAULT_MAX_FILE_BYTES,
        ge=1_000,
        le=1_000_000_000,
        description="Largest corpus file lint and build read; a bigger one is an error naming it.",
    )
    # A look is one stat of manifest.json (microseconds) and one of each corpus file: every 5 s
    # costs nothing measurable, and a rebuilt index is served within seconds of the build.
    index_poll_seconds: float = Field(
        5.0,
        description="How often a running bot looks for a newly built index (0: never).",
    )

    @field_validator("index_poll_seconds")
    @classmethod
    def _poll_interval(cls, value: float) -> float:
        if value != 0 and not 0.5 <= value <= 3600:
            raise ValueError("out of range")
        return value

    @field_validator("embedding_model")
    @classmethod
    def _model_not_blank(cls, value: str | None) -> str | None:
        if value is not None and not value.strip():
            raise ValueError("empty")
        return value.strip() if value is not None else None

    @property
    def models_dir(self) -> Path:
        """Where ONNX exports live: MODEL_CACHE_DIR, or a folder of DATA_DIR."""
        return self.model_cache_dir or self.data_dir / "models"

    @field_validator("webhook_url")
    @classmethod
    def _webhook_url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^/\s]+", value.strip()):
            raise ValueError("not a URL")
        return value.strip() if value else None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("bad secret")
        return value

    @field_validator("feedback_salt")
    @classmethod
    def _salt(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("too short")
        return value

    @field_validator("metrics_listen")
    @classmethod
    def _ip_address(cls, value: str) -> str:
        return str(ipaddress.ip_address(value.strip()))  # a ValueError for anything else

    @field_validator(
        "texts_file",
        "red_flags_file",
        "small_talk_file",
        "subjects_file",
        "synonyms_file",
        "cautions_file",
        "feedback_salt_file",
    )
    @classmethod
    def _existing_file(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError("no such file")
        return value

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN_RE.match(value.get_secret_value().strip()):
            raise ValueError("malformed token")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("telegram_api_base_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        url = value.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError("not an http(s) URL")
        # Accept python-telegram-bot's own form (".../bot") as well as the bare server URL.
        return url.removesuffix("/bot")


def load_settings(**overrides: Any) -> Settings:
    """Read the settings, or raise :class:`ConfigError` naming the first variable that is wrong."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from exc


def describe_validation_error(exc: ValidationError) -> str:
    """One line for the first error: the variable, what it expects, and (unless secret) the value."""
    error = exc.errors()[0]
    field = str(error["loc"][0]) if error["loc"] else "?"
    expected = EXPECTED.get(field, error["msg"])
    shown = ""
    if not any(word in field for word in ("token", "secret", "salt")) and isinstance(
        error.get("input"), str
    ):
        shown = f", got {error['input']!r}"
    return f"{field.upper()}: expected {expected}{shown}."


def effective_settings(settings: Settings) -> dict[str, str]:
    """Every setting by its environment variable name, secrets masked, for `quotebot config`."""
    values = {}
    for name in Settings.model_fields:
        value = getattr(settings, name)
        if isinstance(value, SecretStr):
            secret = value.get_secret_value()
            value = (
                f"{secret.split(':', 1)[0]}:****** (set)"
                if name == "telegram_bot_token"
                else "****** (set)"
            )
        elif value is None:
            value = "(not set)"
        values[name.upper()] = str(value)
    return values


def require_telegram(settings: Settings) -> None:
    """Check what running the Telegram bot needs; a ConfigError naming the variable otherwise."""
    if settings.telegram_bot_token is None:
        raise ConfigError(
            f"TELEGRAM_BOT_TOKEN: expected {EXPECTED['telegram_bot_token']}; it is not set."
        )
    if settings.bot_mode == "webhook":
        if not settings.webhook_url:
            raise ConfigError(
                f"WEBHOOK_URL: expected {EXPECTED['webhook_url']} when BOT_MODE=webhook."
            )
        if settings.webhook_secret is None:
            raise ConfigError(
                f"WEBHOOK_SECRET: expected {EXPECTED['webhook_secret']} when BOT_MODE=webhook."
            )
