"""The ONNX backend (the default): the export, its check against torch, and its failure messages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.embedding.model import BUNDLED_MODEL
from bot.embedding.onnx_encoder import OnnxEncoder
from bot.embedding.onnx_export import CHECK_TEXTS
from bot.embedding.onnx_record import export_dir, read_export
from bot.errors import IndexMissingError, ModelError
from bot.evaluation.sets import dev_part
from bot.retrieval.index_store import load_index
from bot.settings import Settings
from bot.system import System
from tests.conftest import REAL_CORPUS, REPO

pytestmark = pytest.mark.model


def test_the_export_reproduces_the_torch_models_vectors(
    real_encoder, torch_encoder, real_index_dir
):
    index = load_index(real_index_dir, corpus_dir=REAL_CORPUS, fingerprint=real_encoder.fingerprint)
    texts = [passage.text for passage in index.passages] + list(CHECK_TEXTS)
    cosines = np.sum(real_encoder.encode(texts) * torch_encoder.encode(texts), axis=1)
    assert cosines.min() >= 0.9999
    # The same model files, so an index built by either backend serves the other.
    assert real_encoder.fingerprint == torch_encoder.fingerprint
    assert real_encoder.dimension == torch_encoder.dimension == 384


def test_same_answers_on_the_evaluation_set_as_under_torch(
    real_encoder, torch_encoder, real_settings
):
    questions = dev_part().messages()
    onnx_answers = System(real_settings, encoder=real_encoder).pipeline.answer_batch(questions)
    torch_answers = System(real_settings, encoder=torch_encoder).pipeline.answer_batch(questions)
    for question, ours, theirs in zip(questions, onnx_answers, torch_answers, strict=True):
        assert ours.status == theirs.status, question
        assert [q.passage_ids for q in ours.quotes] == [q.passage_ids for q in theirs.quotes]
        assert ours.urgent_advice == theirs.urgent_advice, question


def _cpu_while_idle(answer) -> float:
    """The least process CPU time burnt during 0.05 s of sleep right after an answer."""
    burnt = []
    for _ in range(3):
        answer()
        started = time.process_time()
        time.sleep(0.05)
        burnt.append(time.process_time() - started)
    return min(burnt)


def test_an_idle_model_leaves_the_cores_alone(real_encoder, real_settings):
    """Between questions the model's and numpy's threads sleep: left spinning, they held the
    cores while the rest of an answer ran, and an idle bot burnt a core (about 0.05 s of CPU in
    those 0.05 s)."""
    assert _cpu_while_idle(lambda: real_encoder.encode(["is turmeric good for my knees"])) < 0.01
    pipeline = System(real_settings, encoder=real_encoder).pipeline
    assert _cpu_while_idle(lambda: pipeline.answer("is turmeric good for my knees")) < 0.01


def test_the_export_records_where_it_came_from_and_its_check(real_encoder, models_dir):
    record = read_export(export_dir(models_dir, BUNDLED_MODEL))
    assert record.model == BUNDLED_MODEL
    assert record.fingerprint == real_encoder.fingerprint
    assert record.check.texts == len(CHECK_TEXTS)
    assert record.check.min_cosine >= 0.9999
    assert record.max_seq_length == 256


def test_long_texts_are_truncated_like_the_model_does(real_encoder, torch_encoder):
    long_text = "The gut lining renews itself every few days. " * 200
    ours = real_encoder.encode([long_text, "short"])
    theirs = torch_encoder.encode([long_text, "short"])
    assert np.sum(ours * theirs, axis=1).min() >= 0.9999
    assert real_encoder.count_tokens(long_text) > 256  # counted before truncation


@pytest.fixture
def export_copy(real_encoder, models_dir, tmp_path) -> Path:
    """A private copy of the session's export, free to damage."""
    cache = tmp_path / "models"
    source = export_dir(models_dir, BUNDLED_MODEL)
    shutil.copytree(source, export_dir(cache, BUNDLED_MODEL))
    return cache


def system_over(cache: Path, **parts) -> System:
    """quotebot configured with ``cache`` as MODEL_CACHE_DIR (the bundled model)."""
    return System(Settings(_env_file=None, model_cache_dir=cache), **parts)


def test_a_copied_export_serves(export_copy, real_encoder):
    encoder = system_over(export_copy, torch_installed=lambda: False).encoder
    vectors = encoder.encode(["joint pain at night"])
    assert np.allclose(vectors, real_encoder.encode(["joint pain at night"]), atol=1e-5)


@pytest.mark.parametrize("damage", ["truncated model", "bad record", "no tokenizer"])
def test_a_damaged_export_says_which_command_remakes_it(export_copy, damage):
    directory = export_dir(export_copy, BUNDLED_MODEL)
    if damage == "truncated model":
        with (directory / "model.onnx").open("r+b") as handle:
            handle.truncate(1000)
    elif damage == "bad record":
        (directory / "export.json").write_text("{not json")
    else:
        (directory / "tokenizer.json").unlink()
    with pytest.raises(ModelError, match=r"damaged .*run `quotebot model export`") as caught:
        OnnxEncoder(directory).encode(["joint pain"])
    assert "\n" not in str(caught.value)


def test_a_corrupt_graph_of_the_right_size_is_caught_on_load(export_copy):
    directory = export_dir(export_copy, BUNDLED_MODEL)
    size = (directory / "model.onnx").stat().st_size
    (directory / "model.onnx").write_bytes(b"\0" * size)
    with pytest.raises(ModelError, match=r"damaged .*run `quotebot model export`"):
        OnnxEncoder(directory).encode(["joint pain"])


def test_without_an_export_or_torch_the_message_says_what_to_do(tmp_path):
    with pytest.raises(ModelError) as caught:
        system_over(tmp_path / "empty", torch_installed=lambda: False).encoder  # noqa: B018
    message = str(caught.value)
    assert "there is none yet" in message
    assert "`quotebot model export`" in message and "EMBEDDING_BACKEND=torch" in message


def test_an_export_of_other_model_files_is_not_used(export_copy):
    directory = export_dir(export_copy, BUNDLED_MODEL)
    record = json.loads((directory / "export.json").read_text())
    record["fingerprint"] = "sha256:" + "0" * 64
    (directory / "export.json").write_text(json.dumps(record))
    with pytest.raises(ModelError, match="the model files have changed"):
        system_over(export_copy, torch_installed=lambda: False).encoder  # noqa: B018


def test_a_missing_index_is_reported_before_the_model_is_asked_for(tmp_path):
    """No export and no index: the operator hears about the index, and no export is attempted."""
    settings = Settings(
        _env_file=None,
        corpus_dir=REAL_CORPUS,
        index_dir=tmp_path / "no-index",
        model_cache_dir=tmp_path / "empty",
    )
    asked = []
    system = System(settings, torch_installed=lambda: asked.append("export") or False)
    with pytest.raises(IndexMissingError, match="quotebot index build"):
        system.pipeline  # noqa: B018
    assert asked == [] and not (tmp_path / "empty").exists()


def test_serving_needs_neither_torch_nor_sentence_transformers(real_settings, tmp_path):
    """What the container does: answer from the export with torch and its kin unimportable."""
    script = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "sentence_transformers", "transformers", "onnx"}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Refuse())
from bot.cli import main
code = main(["ask", "--json", "can leaky gut cause joint pain?"])
assert not {"torch", "sentence_transformers", "transformers"} & set(sys.modules)
sys.exit(code)
"""
    env = dict(
        os.environ,
        CORPUS_DIR=str(REAL_CORPUS),
        INDEX_DIR=str(real_settings.index_dir),
        MODEL_CACHE_DIR=str(real_settings.models_dir),
        PYTHONPATH=str(REPO),
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["quotes"] and answer["disclaimer"]


def test_model_commands_report_the_export(real_settings, capsys, monkeypatch):
    from bot.cli import main

    monkeypatch.setenv("MODEL_CACHE_DIR", str(real_settings.models_dir))
    assert main(["model", "info"]) == 0
    out = capsys.readouterr().out
    assert "Backend:    onnx" in out and "up to date" in out
    assert main(["model", "export"]) == 0
    out = capsys.readouterr().out
    assert "is up to date" in out and "Embedded the triage examples and the known questions" in out
    # ... and their vectors are kept beside the models, for a read-only image.
    assert list(real_settings.models_dir.glob("triage-examples-*.npy"))
    assert list(real_settings.models_dir.glob("known-questions-*.npy"))


def test_model_info_fails_when_the_default_backend_has_no_export(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("MODEL_CACHE_DIR", str(tmp_path / "nothing"))
    assert main(["model", "info"]) == 1
    assert "no export in" in capsys.readouterr().out
