"""Reading corpus files: front matter, structure, exact offsets, and files that cannot be read."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.errors import CorpusError
from bot.ingest.corpus import parse_document, read_corpus, read_source_text
from bot.ingest.passages import split_document
from tests.conftest import REAL_CORPUS


def block_texts(document):
    return [document.text[b.start : b.end] for b in document.blocks]


def test_markdown_front_matter_headings_lists_and_code():
    text = (
        "---\ntitle: Gut and joints\nsource: https://example.org/a\nlanguage: en\n---\n\n"
        "Intro paragraph that spans\ntwo lines.\n\n"
        "## Can zinc help?\n\n"
        "- Zinc supports the gut lining.\n"
        "- Collagen is another option.\n\n"
        "```\ncode is not article text\n```\n\n"
        "<!-- a maintainer's note -->\n\n"
        "### Sub point\n\nLast words here.\n"
    )
    document = parse_document(text, "a.md")
    assert document.title == "Gut and joints"
    assert document.source == "https://example.org/a"
    assert block_texts(document) == [
        "Intro paragraph that spans\ntwo lines.",
        "Zinc supports the gut lining.",
        "Collagen is another option.",
        "Last words here.",
    ]
    assert [b.headings for b in document.blocks] == [
        (),
        ("Can zinc help?",),
        ("Can zinc help?",),
        ("Can zinc help?", "Sub point"),
    ]


def test_headings_name_the_section_but_are_never_quoted():
    text = "---\ntitle: T\n---\n\n## Is it arthritis?\n\nNot exactly. It differs.\n"
    passages = split_document(parse_document(text, "faq.md"))
    assert [(p.section, p.text) for p in passages] == [
        ("Is it arthritis?", "Not exactly. It differs.")
    ]


def test_txt_first_line_is_the_title_and_each_line_a_paragraph():
    text = "My Title\nFirst paragraph here.\nSecond paragraph here.\n"
    document = parse_document(text, "notes/plain.txt")
    assert document.title == "My Title"
    assert document.doc_id == "notes/plain"
    assert block_texts(document) == ["First paragraph here.", "Second paragraph here."]


def test_txt_with_blank_lines_keeps_wrapped_paragraphs_together():
    text = "Title\n\nA paragraph wrapped\nover two lines.\n\nAnother one.\n"
    assert block_texts(parse_document(text, "w.txt")) == [
        "A paragraph wrapped\nover two lines.",
        "Another one.",
    ]


def test_windows_newlines_and_bom_keep_exact_offsets(tmp_path: Path):
    path = tmp_path / "c" / "crlf.md"
    path.parent.mkdir()
    path.write_bytes(
        "\ufeff---\r\ntitle: CRLF\r\n---\r\n\r\nFirst line.\r\nSecond line.\r\n".encode()
    )
    (document,) = read_corpus(path.parent)
    raw = read_source_text(path)
    assert document.title == "CRLF"
    for passage in split_document(document):
        assert raw[passage.start : passage.end] == passage.text
    assert [p.text for p in split_document(document)] == ["First line.\r\nSecond line."]


def test_non_utf8_file_is_refused_with_its_line(tmp_path: Path):
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "latin1.txt").write_bytes("Title\nCaf\xe9 au lait\n".encode("latin-1"))
    with pytest.raises(CorpusError, match=r"latin1.txt:2: not UTF-8 \(byte 0xe9"):
        read_corpus(tmp_path / "c")


def test_empty_and_missing_corpus_directories_are_refused(tmp_path: Path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorpusError, match="has no .md or .txt files"):
        read_corpus(tmp_path / "empty")
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(tmp_path / "nowhere")
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(CorpusError, match="is not a directory"):
        read_corpus(tmp_path / "a-file")


def test_a_file_that_vanishes_while_reading_is_reported(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "gone.md").symlink_to(corpus / "_deleted-target.md")
    with pytest.raises(CorpusError, match="^gone.md: the file vanished") as caught:
        read_corpus(corpus)
    assert caught.value.path == "gone.md" and caught.value.line is None


def test_a_bad_front_matter_line_says_where(tmp_path: Path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "a.md").write_text("---\ntitle: A\nno colon here\n---\n\nText of it.\n")
    with pytest.raises(CorpusError) as caught:
        read_corpus(corpus)
    error = caught.value
    assert (error.path, error.line) == ("a.md", 3)
    assert error.reason == "front matter line is not 'key: value'."
    assert str(error) == "a.md:3: front matter line is not 'key: value'."


def test_unclosed_front_matter_is_refused():
    with pytest.raises(CorpusError, match="front matter is not closed"):
        parse_document("---\ntitle: x\nlanguage: en\n", "open.md")


def test_readme_hidden_and_underscore_files_are_not_articles(tmp_path: Path):
    corpus = tmp_path / "c"
    (corpus / ".drafts").mkdir(parents=True)
    (corpus / "README.md").write_text("# How to add articles\n\nNot an article.\n")
    (corpus / "_template.md").write_text("Template.\n")
    (corpus / ".drafts" / "wip.md").write_text("Draft.\n")
    (corpus / "real.md").write_text("---\ntitle: Real\n---\n\nAn actual article paragraph.\n")
    assert [d.source_path for d in read_corpus(corpus)] == ["real.md"]


def test_real_corpus_is_the_seed_articles_without_navigation():
    documents = read_corpus(REAL_CORPUS)
    titles = {d.title for d in documents}
    assert "The Connection Between Joint Pain, Autoimmunity, and Leaky Gut" in titles
    assert (
        "Understanding How Intestinal Barrier Health Influences Inflammation, Immunity & "
        "Chronic Joint Discomfort" in titles
    )
    everything = " ".join(d.text for d in documents)
    assert "Read More" not in everything
    assert "Poor Appetite but Constant Fatigue" not in everything
    # Typographic quotes and dashes survive, because answers quote them.
    assert "“leaky gut.”" in everything and "— wear and tear" in everything


def test_real_corpus_faq_answers_carry_their_questions_as_sections():
    passages = [p for d in read_corpus(REAL_CORPUS) for p in split_document(d)]
    by_text = {p.text[:20]: p for p in passages}
    assert (
        by_text["Not exactly. Gut-rel"].section
        == "Is gut-related joint pain the same as arthritis?"
    )
    assert (
        by_text["Some people notice c"].section
        == "How long does it take for joint pain to improve?"
    )
    for passage in passages:
        assert not passage.text.lstrip().startswith("#")
