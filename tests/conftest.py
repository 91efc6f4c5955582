"""Shared fixtures: an isolated working directory, a copy of the real corpus, the real model."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.fakes import FakeEncoder

REPO = Path(__file__).resolve().parent.parent
REAL_CORPUS = REPO / "corpus"
SETTINGS_VARIABLES = (
    "CORPUS_DIR",
    "INDEX_DIR",
    "EMBEDDING_MODEL",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_API_BASE_URL",
)


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in its own directory, with no quotebot setting from the developer's shell."""
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(REAL_CORPUS, target)
    return target


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def real_encoder():
    """The bundled all-MiniLM-L6-v2, loaded once for the whole run."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.embedding import SentenceTransformerEncoder, resolve_model
    from bot.settings import BUNDLED_MODEL

    return SentenceTransformerEncoder(resolve_model(BUNDLED_MODEL))
