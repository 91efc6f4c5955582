"""The real index of the real corpus with the real model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ingest.corpus import read_source_text
from bot.retrieval.index_build import build_index
from bot.retrieval.index_store import load_index

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def real_index(tmp_path_factory, real_encoder):
    from tests.conftest import REAL_CORPUS

    index_dir = tmp_path_factory.mktemp("real") / "index"
    result = build_index(REAL_CORPUS, index_dir, real_encoder)
    return result, load_index(
        index_dir, corpus_dir=REAL_CORPUS, fingerprint=real_encoder.fingerprint
    )


def test_second_build_with_the_real_model_does_no_work(real_index, real_encoder):
    from tests.conftest import REAL_CORPUS

    result, index = real_index
    again = build_index(REAL_CORPUS, index.directory, real_encoder)
    assert not again.built and again.manifest.built_at == result.manifest.built_at


def test_manifest_names_the_bundled_model_and_its_weights(real_index):
    result, index = real_index
    assert result.built
    assert index.manifest.model.name == "sentence-transformers/all-MiniLM-L6-v2"
    assert index.manifest.model.fingerprint.startswith("sha256:")
    assert index.manifest.dimension == 384 and index.manifest.index_type == "flat"


def test_every_stored_passage_is_verbatim_and_fits_the_window(real_index, real_encoder):
    from tests.conftest import REAL_CORPUS

    _, index = real_index
    for passage in index.passages:
        assert (
            read_source_text(Path(REAL_CORPUS) / passage.source_path)[passage.start : passage.end]
            == passage.text
        )
        assert real_encoder.count_tokens(passage.text) < 256


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("what foods and supplements help heal the gut?", "L-glutamine, zinc, and collagen"),
        (
            "how long until I notice my joints getting better?",
            "Some people notice changes within weeks",
        ),
        (
            "when should I get my joint pain checked by a doctor?",
            "professional evaluation is essential",
        ),
        ("what actually is leaky gut", "increased intestinal permeability"),
    ],
)
def test_nearest_passage_answers_a_real_question(real_index, real_encoder, question, expected):
    _, index = real_index
    [hits] = index.search(real_encoder.encode([question]), 3)
    assert expected in " ".join(p.text for p, _ in hits[:2]), [p.text[:60] for p, _ in hits]
    assert hits[0][1] > 0.4
