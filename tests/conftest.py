"""Shared fixtures: an isolated working directory, the real corpus indexed two ways, the real model.

Most tests run on the real corpus indexed with the deterministic fake encoder (milliseconds, no
model); tests marked ``model`` use the real all-MiniLM-L6-v2 where what it ranks is the point.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from tests.fakes import FakeEncoder

REPO = Path(__file__).resolve().parent.parent
REAL_CORPUS = REPO / "corpus"


@pytest.fixture(autouse=True)
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run every test in its own directory, with no quotebot setting from the developer's shell."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
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
def fake_index_dir(tmp_path_factory) -> Path:
    """The real corpus indexed with the fake encoder: what channel tests answer from."""
    from bot.retrieval.index_build import build_index

    index_dir = tmp_path_factory.mktemp("fake-index") / "index"
    build_index(REAL_CORPUS, index_dir, FakeEncoder())
    return index_dir


def fake_settings(index_dir: Path, **overrides) -> Settings:
    """Settings of a quotebot over the real corpus and ``index_dir``, nothing from the environment."""
    return Settings(_env_file=None, corpus_dir=REAL_CORPUS, index_dir=index_dir, **overrides)


@pytest.fixture
def fake_system(fake_index_dir, tmp_path):
    """quotebot's parts over the fake-encoder index (no model), data under this test's folder."""
    from bot.system import System

    system = System(
        fake_settings(fake_index_dir, data_dir=tmp_path / "data"), encoder=FakeEncoder()
    )
    yield system
    system.close()


@pytest.fixture
def fake_pipeline(fake_system):
    return fake_system.pipeline


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """Where this run's ONNX export of the bundled model is made (once, by `real_encoder`)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def real_encoder(models_dir):
    """The bundled all-MiniLM-L6-v2 on the default backend (ONNX), exported once for the run."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.system import System

    encoder = System(Settings(_env_file=None, model_cache_dir=models_dir)).encoder
    encoder.load()
    return encoder


@pytest.fixture(scope="session")
def torch_encoder():
    """The same model under torch (sentence-transformers), the reference the export must match."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from bot.embedding.model import resolve_model
    from bot.embedding.torch_encoder import SentenceTransformerEncoder

    return SentenceTransformerEncoder(resolve_model(None))


@pytest.fixture(scope="session")
def real_index_dir(tmp_path_factory, real_encoder) -> Path:
    """The real corpus indexed with the real model, once per run."""
    from bot.retrieval.index_build import build_index

    index_dir = tmp_path_factory.mktemp("real-index") / "index"
    build_index(REAL_CORPUS, index_dir, real_encoder)
    return index_dir


@pytest.fixture(scope="session")
def real_settings(real_index_dir, models_dir) -> Settings:
    return fake_settings(real_index_dir, model_cache_dir=models_dir)


@pytest.fixture(scope="session")
def real_system(real_settings, real_encoder):
    """quotebot's parts over the real index with the real model, as the bot runs them."""
    from bot.system import System

    return System(real_settings, encoder=real_encoder)


@pytest.fixture(scope="session")
def real_pipeline(real_system):
    """The whole answering pipeline over the real index, as the bot runs it."""
    return real_system.pipeline


def assert_verbatim(quote) -> None:
    """A quote is exactly its source file's text [start:end]."""
    from bot.ingest.corpus import read_source_text

    source = read_source_text(REAL_CORPUS / quote.source_path)
    assert source[quote.start : quote.end] == quote.text
