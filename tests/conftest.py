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
    "EMBEDDING_BACKEND",
    "MODEL_CACHE_DIR",
    "DATA_DIR",
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
def models_dir(tmp_path_factory) -> Path:
    """Where this run's ONNX export of the bundled model is made (once, by `real_encoder`)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def real_encoder(models_dir):
    """The bundled all-MiniLM-L6-v2 on the default backend (ONNX), exported once for the run."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.embedding.onnx_encoder import OnnxEncoder
    from bot.settings import BUNDLED_MODEL

    encoder = OnnxEncoder(BUNDLED_MODEL, models_dir)
    encoder.load()
    return encoder


@pytest.fixture(scope="session")
def torch_encoder():
    """The same model under torch (sentence-transformers), the reference the export must match."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.embedding.model import resolve_model
    from bot.embedding.torch_encoder import SentenceTransformerEncoder
    from bot.settings import BUNDLED_MODEL

    return SentenceTransformerEncoder(resolve_model(BUNDLED_MODEL))


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory, real_encoder) -> Path:
    """The real corpus indexed with the real model, once per run."""
    from bot.retrieval.index_build import build_index

    index_dir = tmp_path_factory.mktemp("real-index") / "index"
    build_index(REAL_CORPUS, index_dir, real_encoder)
    return index_dir


@pytest.fixture(scope="session")
def real_settings(real_index_dir, models_dir):
    from bot.settings import Settings

    return Settings(
        _env_file=None, corpus_dir=REAL_CORPUS, index_dir=real_index_dir, model_cache_dir=models_dir
    )


@pytest.fixture(scope="session")
def real_pipeline(real_settings, real_encoder):
    """The whole answering pipeline over the real index, as the bot runs it."""
    from bot.runtime import make_pipeline

    return make_pipeline(real_settings, real_encoder)


def assert_verbatim(quote) -> None:
    """A quote is exactly its source file's text [start:end]."""
    from bot.ingest.corpus import read_source_text

    source = read_source_text(REAL_CORPUS / quote.source_path)
    assert source[quote.start : quote.end] == quote.text
