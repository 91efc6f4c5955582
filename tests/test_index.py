"""Building and loading the index: no-op rebuilds, manifest checks, faults, atomic replacement."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from bot.errors import (
    CorpusError,
    IndexCorruptError,
    IndexMismatchError,
    IndexMissingError,
    IndexStaleError,
)
from bot.ingest.corpus import read_source_text
from bot.retrieval.index_build import build_index
from bot.retrieval.index_store import index_status, load_index, read_manifest
from tests.conftest import REPO
from tests.fakes import FakeEncoder


def build(corpus: Path, index: Path, encoder=None, **kwargs):
    return build_index(corpus, index, encoder or FakeEncoder(), **kwargs)


def load(corpus: Path, index: Path, encoder=None):
    encoder = encoder or FakeEncoder()
    return load_index(index, corpus_dir=corpus, fingerprint=encoder.fingerprint)


def test_build_writes_manifest_passages_and_vectors(corpus_copy: Path, tmp_path: Path):
    index_dir = tmp_path / "index"
    result = build(corpus_copy, index_dir)
    assert result.built and result.passages == 23 and result.files == 2
    manifest = json.loads((index_dir / "manifest.json").read_text())
    assert manifest["format_version"] == 3
    assert manifest["model"] == {
        "name": "fake-encoder",
        "fingerprint": "fake:fake-encoder:1024",
        "backend": "fake",
    }
    assert manifest["dimension"] == 1024 and manifest["metric"] == "inner_product"
    assert manifest["index_type"] == "flat" and manifest["passage_count"] == 23
    assert set(manifest["corpus"]["files"]) == {p.name for p in corpus_copy.glob("*.md")}
    assert {"python", "faiss-cpu", "numpy"} <= set(manifest["versions"])
    assert manifest["built_at"].endswith("+00:00")

    index = load(corpus_copy, index_dir)
    for passage in index.passages:
        source = read_source_text(corpus_copy / passage.source_path)
        assert source[passage.start : passage.end] == passage.text
        # Its sentences tile it: verbatim, in order, only white space between them.
        assert passage.sentences[0][0] == passage.start and passage.sentences[-1][1] == passage.end
        for (_, end), (start, _) in zip(passage.sentences, passage.sentences[1:]):
            assert end <= start and not source[end:start].strip()
    sentences = sum(len(p.sentences) for p in index.passages)
    assert manifest["sentence_count"] == sentences == len(index.sentence_vectors) > 23
    assert set(manifest["files"]) == {
        "index.faiss",
        "sentences.faiss",
        "passages.jsonl",
        "corpus.jsonl",
    }


def test_nearest_passage_for_a_question(corpus_copy: Path, tmp_path: Path):
    encoder = FakeEncoder()
    build(corpus_copy, tmp_path / "index", encoder)
    index = load(corpus_copy, tmp_path / "index", encoder)
    [hits] = index.search(
        encoder.encode(["gut-healing nutrients like L-glutamine, zinc, collagen"]), 3
    )
    assert "L-glutamine, zinc, and collagen" in hits[0][0].text
    assert hits[0][1] > hits[1][1]


def test_second_build_does_no_work_and_force_rebuilds(corpus_copy: Path, tmp_path: Path):
    encoder = FakeEncoder()
    first = build(corpus_copy, tmp_path / "index", encoder)
    encoded = encoder.encoded
    second = build(corpus_copy, tmp_path / "index", encoder)
    assert not second.built and encoder.encoded == encoded
    assert second.manifest.built_at == first.manifest.built_at
    forced = build(corpus_copy, tmp_path / "index", encoder, force=True)
    assert forced.built and forced.passages == first.passages


def test_edited_corpus_is_stale_and_rebuild_reuses_unchanged_vectors(
    corpus_copy: Path, tmp_path: Path
):
    encoder = FakeEncoder()
    build(corpus_copy, tmp_path / "index", encoder)
    article = corpus_copy / "joint-pain-autoimmunity-leaky-gut.md"
    article.write_text(article.read_text() + "\nA new closing paragraph about sleep and stress.\n")
    with pytest.raises(
        IndexStaleError, match=r"edited: joint-pain-autoimmunity-leaky-gut.md.*quotebot index build"
    ):
        load(corpus_copy, tmp_path / "index", encoder)
    (corpus_copy / "new.txt").write_text("New article\nAnother paragraph of text here.\n")
    status = index_status(tmp_path / "index", corpus_copy, encoder.fingerprint)
    assert status.state == "stale" and "added: new.txt" in status.message

    before = encoder.encoded
    result = build(corpus_copy, tmp_path / "index", encoder)
    assert result.built and result.passages == 25
    # Only the two new paragraphs are embedded: the article's with its heading in front and as a
    # sentence, the new file's once (passage and sentence are the same text); the rest is reused.
    assert encoder.encoded - before == 3
    index = load(corpus_copy, tmp_path / "index", encoder)
    assert result.reused_vectors == len(index) + len(index.sentence_vectors) - 3
    assert len(index) == 25


def test_index_of_another_model_is_refused(corpus_copy: Path, tmp_path: Path):
    build(corpus_copy, tmp_path / "index", FakeEncoder(name="model-a"))
    with pytest.raises(
        IndexMismatchError, match=r"built with model 'model-a'.*quotebot index build"
    ):
        load(corpus_copy, tmp_path / "index", FakeEncoder(name="model-b"))
    # A build with the new model is not a no-op.
    assert build(corpus_copy, tmp_path / "index", FakeEncoder(name="model-b")).built


@pytest.mark.parametrize(
    ("damage", "error", "message"),
    [
        ("delete_manifest", IndexMissingError, "No index in"),
        ("garbage_manifest", IndexCorruptError, "manifest.json is unreadable"),
        ("old_format", IndexMismatchError, "has format 0"),
        ("truncate_faiss", IndexCorruptError, "index.faiss has .* bytes"),
        ("delete_passages", IndexCorruptError, "passages.jsonl is missing"),
        ("edit_passages", IndexCorruptError, "passages.jsonl has changed"),
        ("count_mismatch", IndexCorruptError, "disagrees with its manifest"),
    ],
)
def test_damaged_index_is_refused_with_the_fix(corpus_copy, tmp_path, damage, error, message):
    index_dir = tmp_path / "index"
    build(corpus_copy, index_dir)
    manifest_path = index_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    faiss_path = index_dir / manifest["files"]["index.faiss"]["path"]
    passages_path = index_dir / manifest["files"]["passages.jsonl"]["path"]
    if damage == "delete_manifest":
        manifest_path.unlink()
    elif damage == "garbage_manifest":
        manifest_path.write_text("{not json")
    elif damage == "old_format":
        manifest_path.write_text(json.dumps(manifest | {"format_version": 0}))
    elif damage == "truncate_faiss":
        faiss_path.write_bytes(faiss_path.read_bytes()[:100])
    elif damage == "delete_passages":
        passages_path.unlink()
    elif damage == "edit_passages":
        passages_path.write_text(passages_path.read_text().replace("joint", "jiont", 1))
    elif damage == "count_mismatch":
        manifest_path.write_text(json.dumps(manifest | {"passage_count": 99}))
    with pytest.raises(error, match=message) as caught:
        load(corpus_copy, index_dir)
    assert "quotebot index build" in str(caught.value)
    assert "\n" not in str(caught.value)
    # And a build repairs it.
    assert build(corpus_copy, index_dir).built
    assert len(load(corpus_copy, index_dir)) == 23


def test_empty_corpus_leaves_the_previous_index_untouched(corpus_copy: Path, tmp_path: Path):
    build(corpus_copy, tmp_path / "index")
    before = (tmp_path / "index" / "manifest.json").read_bytes()
    for path in corpus_copy.iterdir():
        path.write_text("")
    with pytest.raises(CorpusError, match="no article text"):
        build(corpus_copy, tmp_path / "index")
    assert (tmp_path / "index" / "manifest.json").read_bytes() == before


def test_hnsw_above_the_threshold(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "many.txt").write_text(
        "Many\n"
        + "\n".join(f"Paragraph number {i} talks about topic{i} only." for i in range(40))
        + "\n"
    )
    encoder = FakeEncoder(dimension=128)
    result = build(corpus, tmp_path / "index", encoder, hnsw_threshold=10)
    assert result.manifest.index_type == "hnsw"
    index = load(corpus, tmp_path / "index", encoder)
    [hits] = index.search(encoder.encode(["topic17"]), 1)
    assert "topic17" in hits[0][0].text


# A build in a child process, so it can be killed or starved of disk at any point.
CHILD_BUILD = """
import sys, resource
sys.path.insert(0, {repo!r})
from pathlib import Path
from bot.retrieval.index_build import build_index
from bot.errors import QuotebotError
from tests.fakes import FakeEncoder
limit = int(sys.argv[3])
if limit:
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
try:
    build_index(Path(sys.argv[1]), Path(sys.argv[2]), FakeEncoder(delay=float(sys.argv[4])), force=True)
except QuotebotError as exc:
    print(exc, file=sys.stderr)
    sys.exit(1)
"""


def run_child_build(
    corpus: Path, index: Path, *, file_limit: int = 0, delay: float = 0.0, wait=True
):
    script = CHILD_BUILD.format(repo=str(REPO))
    args = [sys.executable, "-c", script, str(corpus), str(index), str(file_limit), str(delay)]
    if wait:
        return subprocess.run(args, capture_output=True, text=True, timeout=120)
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_full_disk_during_write_is_one_line_and_keeps_the_old_index(corpus_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(corpus_copy, index_dir)
    before = (index_dir / "manifest.json").read_bytes()
    article = corpus_copy / "joint-pain-autoimmunity-leaky-gut.md"
    article.write_text(article.read_text() + "\nOne more paragraph to force a rebuild.\n")
    result = run_child_build(corpus_copy, index_dir, file_limit=2048)
    assert result.returncode == 1
    assert (
        result.stderr.startswith("Cannot write the index to")
        and "previous index is untouched" in result.stderr
    )
    assert result.stderr.count("\n") == 1
    assert (index_dir / "manifest.json").read_bytes() == before
    assert not list(index_dir.glob(".tmp-*"))
    assert len(load_index(index_dir, corpus_dir=None, fingerprint=FakeEncoder().fingerprint)) == 23


def test_killed_builds_leave_the_previous_index_serving(corpus_copy, tmp_path):
    index_dir = tmp_path / "index"
    build(corpus_copy, index_dir)
    article = corpus_copy / "joint-pain-autoimmunity-leaky-gut.md"
    article.write_text(article.read_text() + "\nOne more paragraph to force a rebuild.\n")
    fingerprint = FakeEncoder().fingerprint
    for kill_after in (0.05, 0.3, 0.6, 0.9, 1.2):
        child = run_child_build(corpus_copy, index_dir, delay=0.02, wait=False)
        time.sleep(kill_after)
        child.send_signal(signal.SIGKILL)
        child.wait()
        # Whatever moment the build died at, some complete index serves: the old or the new one.
        index = load_index(index_dir, corpus_dir=None, fingerprint=fingerprint)
        assert len(index) in (23, 24)
    assert read_manifest(index_dir).passage_count in (23, 24)
    # A later build cleans up what the killed ones left behind.
    build(corpus_copy, index_dir, force=True)
    leftovers = [p.name for p in index_dir.iterdir() if p.name.startswith((".tmp-", ".manifest"))]
    assert leftovers == []
    assert len([p for p in index_dir.iterdir() if p.name.startswith("gen-")]) == 1


def test_vectors_are_normalised_for_inner_product(corpus_copy, tmp_path):
    build(corpus_copy, tmp_path / "index")
    index = load(corpus_copy, tmp_path / "index")
    vectors = index.faiss_index.reconstruct_n(0, len(index))
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert index.manifest.normalized and index.manifest.metric == "inner_product"
