"""What a quote is shown under is checked too: an article's title, short title and source link, and
a passage's headings, are re-derived from the indexed text at load; an index that says otherwise is
refused. Corpus hard links are refused by lint and build."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from bot import cli
from bot.errors import CorpusError, IndexCorruptError
from bot.ingest.passages import sentence_spans
from bot.retrieval.index_build import build_index
from bot.retrieval.index_store import load_index
from bot.settings import Settings
from bot.system import System
from tests.fakes import FakeEncoder
from tests.tampering import (
    edit_index_file,
    edit_manifest_documents,
    replace_in_snapshot,
    rewrite_index_file,
)

ARTICLE = "joint-pain-autoimmunity-leaky-gut.md"
FORGED = "Doctors agree: stop taking your prescribed medication"
HEADING = "What leaky gut is"
HEADING_FORGED = "Stop all medicine"  # as long as the heading: every offset after it holds
# One paragraph of about 400 fake tokens: the build cuts it into passages between its sentences.
LONG_PARAGRAPH = " ".join(
    f"Sentence {n} of the long paragraph says something about joints, gut and sleep."
    for n in range(30)
)


@pytest.fixture
def built(corpus_copy: Path, tmp_path: Path) -> Path:
    """The real corpus and an article with a long paragraph, indexed with the fake encoder."""
    (corpus_copy / "long.md").write_text(
        f"# A long article\n\n## One section\n\n{LONG_PARAGRAPH}\n\n## Another section\n\n"
        "A short paragraph of its own.\n",
        encoding="utf-8",
    )
    build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    return tmp_path / "index"


def load(index_dir: Path):
    return load_index(index_dir, corpus_dir=None, fingerprint=FakeEncoder().fingerprint)


def refusal(index_dir: Path) -> str:
    """The one-line message the index is refused with."""
    with pytest.raises(IndexCorruptError) as caught:
        load(index_dir)
    message = str(caught.value)
    assert "\n" not in message and "quotebot index build" in message
    assert "stop" not in message and "Doctors" not in message  # never the forged text
    return message


def test_an_index_as_built_loads_with_a_paragraph_cut_into_passages(built):
    index = load(built)
    long = [p for p in index.passages if p.source_path == "long.md"]
    assert len(long) >= 3  # the long paragraph is several passages, and they load
    assert {p.section for p in long} == {"One section", "Another section"}


@pytest.mark.parametrize("field", ["short_title", "title", "source", "doc_id"])
def test_an_edited_article_record_in_the_manifest_is_refused_naming_the_file(
    built, corpus_copy, capsys, monkeypatch, field
):
    forged = "https://example.org/stop" if field == "source" else "WHO official advice: stop"

    def edit(record: dict) -> dict:
        return record | {field: forged} if record["source_path"] == ARTICLE else record

    edit_manifest_documents(built, edit)
    message = refusal(built)
    assert "does not cite its corpus as built" in message and ARTICLE in message
    assert field in message
    # `index info` says so, and `ask` answers nothing from it.
    monkeypatch.setenv("CORPUS_DIR", str(corpus_copy))
    monkeypatch.setenv("INDEX_DIR", str(built))
    code, out, _ = cli_run(capsys, "index", "info")
    assert code == 1 and out.startswith("Status:     corrupt:") and ARTICLE in out
    code, out, err = cli_run(capsys, "ask", "what does autoimmunity do to the joints")
    assert code == 1 and out == "" and "official" not in err and err.count("\n") == 1


def test_an_article_record_dropped_or_added_is_refused(built):
    manifest_path = built / "manifest.json"
    original = manifest_path.read_text()
    edit_manifest_documents(built, lambda record: record | {"source_path": "elsewhere.md"})
    assert "the manifest's articles are not the indexed files" in refusal(built)
    manifest_path.write_text(original)
    load(built)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: p | {"headings": [*p["headings"][:-1], FORGED]}, id="headings"),
        pytest.param(lambda p: p | {"section": FORGED}, id="section"),
        pytest.param(lambda p: p | {"title": FORGED}, id="title"),
        pytest.param(lambda p: p | {"headings": [FORGED]}, id="heading-added"),
    ],
)
def test_a_passage_shown_under_other_headings_is_refused_naming_it(built, edit):
    """headings and section are what a quote is shown under ("… › section"); checksums agree."""
    target = {}

    def edit_one(passage: dict) -> dict:
        if passage["source_path"] != ARTICLE or target:
            return passage
        target["id"] = passage["id"]
        return edit(passage)

    edit_index_file(built, "passages.jsonl", edit_one)
    message = refusal(built)
    assert f"{target['id']} of {ARTICLE}" in message


def test_a_passage_cut_inside_a_sentence_is_refused(built):
    """Moving the cut between two passages of a paragraph into a sentence: both stay verbatim
    text of the article (the older check passes), but no build cuts there."""
    text = snapshot_text(built, "long.md")

    def move_cut(passages: list[dict]) -> list[dict]:
        long = [i for i, p in enumerate(passages) if p["source_path"] == "long.md"]
        first, second = passages[long[0]], passages[long[1]]
        cut = first["end"] - 10
        for passage, start, end in ((first, first["start"], cut), (second, cut, second["end"])):
            passage.update(start=start, end=end, text=text[start:end])
            passage["sentences"] = [list(span) for span in sentence_spans(text, start, end)]
        return passages

    rewrite_index_file(built, "passages.jsonl", move_cut)
    assert "of long.md) is not what its article's text gives (" in refusal(built)


def test_two_paragraphs_merged_into_one_passage_are_refused(built):
    """A passage straddling a heading would be quoted with the heading's text inside it."""
    text = snapshot_text(built, "long.md")

    def merge(passages: list[dict]) -> list[dict]:
        rows = [i for i, p in enumerate(passages) if p["source_path"] == "long.md"]
        first, last = passages[rows[-2]], passages[rows[-1]]
        first.update(end=last["end"], text=text[first["start"] : last["end"]])
        first["sentences"] = [list(s) for s in sentence_spans(text, first["start"], last["end"])]
        return [p for i, p in enumerate(passages) if i != rows[-1]]

    rewrite_index_file(built, "passages.jsonl", merge)
    assert "long.md" in refusal(built)


def test_forged_headings_in_a_rewritten_corpus_text_are_never_shown(built, corpus_copy, caplog):
    """The attacker rewrites a heading in the indexed corpus text too (same length, so every offset
    holds), and the passages and every checksum to agree: the index loads, but the article on
    disk has changed (stale), and there it does not say the forged heading."""
    question = "what is leaky gut, the intestinal lining barrier and permeability"
    sections = {q.section for q in answer(built, corpus_copy, question).quotes}
    assert "What leaky gut is" in sections  # what the forged heading would stand over

    def forge(passage: dict) -> dict:
        headings = [HEADING_FORGED if h == HEADING else h for h in passage["headings"]]
        section = HEADING_FORGED if passage["section"] == HEADING else passage["section"]
        return passage | {"headings": headings, "section": section}

    replace_in_snapshot(built, f"## {HEADING}", f"## {HEADING_FORGED}")
    edit_index_file(built, "passages.jsonl", forge)
    load(built)  # consistent with its own (forged) corpus text
    caplog.set_level(logging.WARNING)
    quotes = answer(built, corpus_copy, question).quotes
    assert quotes and all(q.section != HEADING_FORGED for q in quotes)
    assert "Left out a quote of passage" in caplog.text and "medicine" not in caplog.text


def answer(index_dir: Path, corpus_dir: Path, question: str):
    settings = Settings(
        _env_file=None, corpus_dir=corpus_dir, index_dir=index_dir, data_dir=index_dir.parent / "d"
    )
    return System(settings, encoder=FakeEncoder()).pipeline.answer(question)


def test_a_corpus_hard_link_is_refused_by_build_and_lint_naming_it(corpus_copy, tmp_path, capsys):
    outside = tmp_path / "hostname"
    outside.write_text("# Host\n\nA machine name that reads like a sentence of an article.\n")
    os.link(outside, corpus_copy / "hard.md")
    with pytest.raises(CorpusError, match=r"^hard.md: is a hard link \(2 names for one file\)"):
        build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    assert not (tmp_path / "index" / "manifest.json").exists()
    code, out, _ = cli_run(capsys, "corpus", "lint", "--corpus", str(corpus_copy))
    assert code == 1 and "hard.md:1: error: is a hard link" in out
    assert "can point at any file on the disk; copy the article" in out and "machine" not in out
    where = ["--corpus", str(corpus_copy), "--index", str(tmp_path / "index")]
    code, _, err = cli_run(capsys, "index", "build", *where)
    assert code == 1 and "hard.md: is a hard link" in err and err.count("\n") == 1
    # The same file, copied rather than linked, is an article like any other.
    (corpus_copy / "hard.md").unlink()
    (corpus_copy / "hard.md").write_bytes(outside.read_bytes())
    assert build_index(corpus_copy, tmp_path / "index", FakeEncoder()).files == 3


def snapshot_text(index_dir: Path, source_path: str) -> str:
    return load(index_dir).snapshot.texts[source_path]


def cli_run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv), make_system=lambda s: System(s, encoder=FakeEncoder()))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_two_articles_with_one_id_are_refused_by_build_and_lint(corpus_copy, tmp_path, capsys):
    """Quotes are shown under the title and link their article's id finds: with one id for two
    articles, one's quotes would be shown under the other's title."""
    (corpus_copy / "copy.md").write_text(
        "---\nid: joint-pain-autoimmunity-leaky-gut\ntitle: Stop your medication\n---\n\n"
        "A paragraph of an article that reads like one.\n",
        encoding="utf-8",
    )
    with pytest.raises(CorpusError) as caught:
        build_index(corpus_copy, tmp_path / "index", FakeEncoder())
    message = str(caught.value)
    assert message.startswith(f"{ARTICLE}:1: has the id 'joint-pain-autoimmunity-leaky-gut'")
    assert "as does copy.md" in message and "its own `id`" in message
    code, out, _ = cli_run(capsys, "corpus", "lint", "--corpus", str(corpus_copy))
    assert code == 1 and f"{ARTICLE}:1: error: has the id" in out and "as does copy.md" in out
