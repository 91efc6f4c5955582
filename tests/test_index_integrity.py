"""Quotes are checked against the corpus: a tampered index, a manifest pointing out of INDEX_DIR,
corpus symlinks leading out, huge files and files without text (issue 14, part 2)."""

from __future__ import annotations

import dataclasses
import json
import logging
import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.errors import CorpusError, IndexCorruptError
from bot.ingest.corpus_lint import lint_corpus
from bot.retrieval.index_build import build_index
from bot.retrieval.index_store import index_status, load_index
from bot.settings import Settings
from bot.system import System
from tests.fakes import FakeEncoder
from tests.tampering import agree_checksums, edit_index_file, replace_in_passages

ARTICLE = "joint-pain-autoimmunity-leaky-gut.md"
ZINC = "using gut-healing nutrients like L-glutamine, zinc, and collagen"
FORGED = "using gut-harming nutrients like L-glutamine, zinc, and collagen"


@pytest.fixture
def built(corpus_copy: Path, tmp_path: Path) -> Path:
    """The real corpus (a copy) indexed with the fake encoder, in a folder of this test's own."""
    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    return tmp_path / "index"


def settings_for(index_dir: Path, corpus_dir: Path) -> Settings:
    return Settings(
        _env_file=None,
        corpus_dir=corpus_dir,
        index_dir=index_dir,
        data_dir=index_dir.parent / "data",
    )


def load(index_dir: Path):
    return load_index(index_dir, corpus_dir=None, fingerprint=FakeEncoder().fingerprint)


def cli_run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), make_system=lambda s: System(s, encoder=FakeEncoder()))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_refused_in_one_line(error: BaseException, *parts: str) -> None:
    message = str(error)
    assert "\n" not in message and "quotebot index build" in message
    for part in parts:
        assert part in message


def test_an_edited_passage_with_agreeing_checksums_is_refused(
    built, corpus_copy, capsys, monkeypatch
):
    replace_in_passages(built, "L-glutamine", "bleach")
    with pytest.raises(IndexCorruptError) as caught:
        load(built)
    assert_refused_in_one_line(caught.value, "does not quote its corpus verbatim", ARTICLE)
    assert "bleach" not in str(caught.value)
    # `ask` refuses to answer from it: one line, exit 1, nothing quoted.
    monkeypatch.setenv("CORPUS_DIR", str(corpus_copy))
    monkeypatch.setenv("INDEX_DIR", str(built))
    code, out, err = cli_run(capsys, "ask", "is zinc good for leaky gut")
    assert code == 1 and out == "" and "bleach" not in err
    assert err.startswith("quotebot: error: ") and err.count("\n") == 1
    assert "quotebot index build" in err


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: p | {"start": p["start"] + 1, "end": p["end"] + 1}, id="offsets"),
        pytest.param(lambda p: p | {"source_path": "other.md"}, id="source-path"),
        pytest.param(
            lambda p: p | {"sentences": [[p["start"], p["end"] + 40]]}, id="sentence-outside"
        ),
    ],
)
def test_passages_moved_off_their_text_are_refused(built, edit):
    edit_index_file(built, "passages.jsonl", edit)
    with pytest.raises(IndexCorruptError) as caught:
        load(built)
    assert_refused_in_one_line(caught.value, "verbatim")


def test_an_edited_snapshot_shows_as_a_changed_corpus_file_naming_it(built, corpus_copy, caplog):
    """The attacker also rewrites the indexed corpus text and its sha256: the index then no longer
    matches the corpus directory, the bot says so, naming the file, and never quotes the forged
    text: the article on disk does not say it (docs/reliability.md)."""
    from tests.tampering import replace_in_snapshot

    replace_in_passages(built, "gut-healing", "gut-harming")
    replace_in_snapshot(built, "gut-healing", "gut-harming")
    caplog.set_level(logging.WARNING)
    system = System(settings_for(built, corpus_copy), encoder=FakeEncoder())
    assert str(system.check_corpus()) == f"edited: {ARTICLE}"
    assert f"edited: {ARTICLE}" in caplog.text and "quotebot index build" in caplog.text
    assert system.metrics.index_stale._value.get() == 1
    status = index_status(built, corpus_copy, FakeEncoder().fingerprint)
    assert status.state == "stale" and ARTICLE in status.message
    answer = system.pipeline.answer("gut-healing nutrients like L-glutamine, zinc, collagen")
    assert all("harming" not in quote.text for quote in answer.quotes)


def test_a_quote_that_is_not_the_indexed_text_is_left_out_at_answer_time(fake_system, caplog):
    """Defence in depth: even a passage changed after the load check is never quoted."""
    pipeline = fake_system.pipeline
    question = "gut-healing nutrients like L-glutamine, zinc, collagen"
    assert any(ZINC in q.text for q in pipeline.answer(question).quotes)
    passages = pipeline.retriever.index.passages
    row = next(i for i, p in enumerate(passages) if ZINC in p.text)
    passages[row] = dataclasses.replace(
        passages[row], text=passages[row].text.replace(ZINC, FORGED)
    )
    caplog.set_level(logging.WARNING)
    answer = pipeline.answer(question)
    assert all("harming" not in quote.text for quote in answer.quotes)
    assert f"Left out a quote of passage {passages[row].id}" in caplog.text
    assert "harming" not in caplog.text and "zinc" not in caplog.text


@pytest.mark.parametrize("where", ["parent", "absolute", "symlink"])
def test_a_manifest_pointing_outside_the_index_dir_is_refused(built, tmp_path, where):
    manifest_path = built / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    facts = manifest["files"]["passages.jsonl"]
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(built / facts["path"], outside / "passages.jsonl")
    if where == "parent":
        facts["path"] = "../outside/passages.jsonl"
    elif where == "absolute":
        facts["path"] = str(outside / "passages.jsonl")
    else:
        (built / "elsewhere").symlink_to(outside)
        facts["path"] = "elsewhere/passages.jsonl"
    manifest_path.write_text(json.dumps(manifest))
    agree_checksums(built)
    with pytest.raises(IndexCorruptError) as caught:
        load(built)
    assert_refused_in_one_line(caught.value, "outside the index directory")


def test_a_manifest_that_is_a_symlink_out_of_the_index_dir_is_refused(built, tmp_path):
    (tmp_path / "elsewhere.json").write_bytes((built / "manifest.json").read_bytes())
    (built / "manifest.json").unlink()
    (built / "manifest.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(IndexCorruptError) as caught:
        load(built)
    assert_refused_in_one_line(caught.value, "leads outside")


def test_a_symlink_out_of_the_corpus_is_refused_by_build_and_lint_naming_it(
    corpus_copy, tmp_path, capsys
):
    secret = tmp_path / "passwd"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n\nA sentence that looks like an article.\n")
    (corpus_copy / "x.md").symlink_to(secret)
    with pytest.raises(CorpusError, match=r"^x.md: is a symlink to a file outside the corpus"):
        build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    assert not (tmp_path / "index" / "manifest.json").exists()
    code, out, err = cli_run(capsys, "corpus", "lint", "--corpus", str(corpus_copy))
    assert code == 1 and "x.md:1: error: is a symlink to a file outside the corpus" in out
    assert "root:" not in out
    where = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    code, out, err = cli_run(capsys, "index", "build", *where)
    assert code == 1 and "x.md: is a symlink" in err and err.count("\n") == 1
    # A link to another article inside the corpus is just that article.
    (corpus_copy / "x.md").unlink()
    (corpus_copy / "y.md").symlink_to(corpus_copy / ARTICLE)
    assert build_index(corpus_copy, tmp_path / "index", FakeEncoder()).files == 3


def test_a_file_over_the_size_limit_is_named_with_the_setting(
    corpus_copy, tmp_path, capsys, monkeypatch
):
    huge = corpus_copy / "huge.txt"
    with huge.open("wb") as handle:  # sparse: 10 GB on paper, nothing on disk
        handle.truncate(10_000_000_000)
    with pytest.raises(CorpusError) as caught:
        build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    assert str(caught.value).startswith(
        "huge.txt: 10,000,000,000 bytes, over the limit of 5,000,000"
    )
    assert "CORPUS_MAX_FILE_BYTES" in str(caught.value)
    huge.unlink()
    (corpus_copy / "big.md").write_text("# Big\n\n" + "A sentence of an article. " * 200)
    monkeypatch.setenv("CORPUS_MAX_FILE_BYTES", "2000")
    where = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    code, out, err = cli_run(capsys, "index", "build", *where)
    assert code == 1 and "big.md: 5,207 bytes, over the limit of 2,000" in err
    assert "CORPUS_MAX_FILE_BYTES" in err and err.count("\n") == 1
    code, out, _ = cli_run(capsys, "corpus", "lint", "--corpus", str(corpus_copy))
    assert code == 1 and "big.md:1: error: 5,207 bytes, over the limit" in out


def test_a_file_without_article_text_is_not_a_source(corpus_copy, tmp_path):
    (corpus_copy / "headings.md").write_text("# Only a title\n\n## And a section\n")
    (corpus_copy / "empty.md").write_text("")
    findings = {f.source_path: f for f in lint_corpus(corpus_copy)}
    for name in ("headings.md", "empty.md"):
        assert findings[name].severity == "error"
        assert "not listed as a source" in findings[name].message
    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    system = System(settings_for(tmp_path / "index", corpus_copy), encoder=FakeEncoder())
    listed = {document.source_path for document in system.pipeline.sources}
    assert listed == {ARTICLE, "intestinal-barrier-inflammation-joint-discomfort.md"}
    # Recorded as indexed all the same: they do not make the index look stale forever.
    assert not system.check_corpus()
