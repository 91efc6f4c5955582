"""Passages: exact slices of their source, whole sentences, within the model's window, stable ids."""

from __future__ import annotations

import random
import re
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.ingest.corpus import parse_document
from bot.ingest.passages import (
    MAX_PASSAGE_TOKENS,
    _last_word,
    approximate_tokens,
    sentence_spans,
    split_document,
)

WORDS = st.text(alphabet=string.ascii_letters + "éüß’“”—-", min_size=1, max_size=10)


@st.composite
def sentences(draw) -> str:
    words = draw(st.lists(WORDS, min_size=1, max_size=25))
    words[0] = words[0].capitalize() if words[0][0].isalpha() else "A" + words[0]
    return " ".join(words) + draw(st.sampled_from([".", "!", "?", "…", ".”"]))


@st.composite
def paragraphs(draw) -> str:
    joiner = draw(st.sampled_from([" ", "  ", "\n"]))
    return joiner.join(draw(st.lists(sentences(), min_size=1, max_size=30)))


@st.composite
def markdown_files(draw) -> str:
    parts = []
    if draw(st.booleans()):
        parts.append("---\ntitle: Generated\nlanguage: en\n---\n")
    for _ in range(draw(st.integers(1, 8))):
        kind = draw(st.sampled_from(["para", "para", "heading", "list"]))
        if kind == "heading":
            parts.append("#" * draw(st.integers(1, 4)) + " " + draw(sentences()))
        elif kind == "list":
            parts.append(
                "\n".join("- " + draw(sentences()) for _ in range(draw(st.integers(1, 3))))
            )
        else:
            parts.append(draw(paragraphs()))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return (newline * draw(st.integers(2, 3))).join(parts).replace("\n", newline) + newline


@st.composite
def text_files(draw) -> str:
    body = draw(st.lists(paragraphs(), min_size=1, max_size=6))
    separator = draw(st.sampled_from(["\n", "\n\n"]))
    return "Title line\n" + separator.join(p.replace("\n", " ") for p in body) + "\n"


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        markdown_files().map(lambda t: (t, "gen.md")), text_files().map(lambda t: (t, "gen.txt"))
    )
)
def test_every_passage_is_an_exact_slice_of_its_source(case):
    text, name = case
    document = parse_document(text, name)
    passages = split_document(document, approximate_tokens, max_tokens=60)
    previous_end = 0
    for passage in passages:
        assert text[passage.start : passage.end] == passage.text
        assert passage.text == passage.text.strip() and passage.text
        assert passage.start >= previous_end, "passages overlap or go backwards"
        previous_end = passage.end
        block = next(
            b for b in document.blocks if b.start <= passage.start and passage.end <= b.end
        )
        assert passage.headings == block.headings
        # Whole sentences: a passage starts and ends where a sentence of its block does.
        spans = sentence_spans(text, block.start, block.end)
        assert passage.start in {s for s, _ in spans}
        assert passage.end in {e for _, e in spans}
        one_sentence = sum(1 for s, e in spans if passage.start <= s and e <= passage.end) == 1
        assert approximate_tokens(passage.text) <= 60 or one_sentence


def test_long_paragraph_is_split_at_sentences_under_the_limit():
    sentence = "Zinc and collagen support the intestinal lining in many people. "
    text = "---\ntitle: T\n---\n\n" + sentence * 40
    passages = split_document(parse_document(text, "long.md"))
    assert len(passages) > 1
    for passage in passages:
        assert approximate_tokens(passage.text) <= MAX_PASSAGE_TOKENS
        assert passage.text.endswith("people.")
    assert "".join(p.text + " " for p in passages) == sentence * 40


def test_abbreviations_do_not_end_sentences():
    text = "Foods, e.g. gluten, may matter. Dr. Smith agrees. See Fig. 2 for details."
    assert [text[s:e] for s, e in sentence_spans(text)] == [
        "Foods, e.g. gluten, may matter.",
        "Dr. Smith agrees.",
        "See Fig. 2 for details.",
    ]


def test_ids_are_stable_and_change_only_with_their_text():
    original = "---\ntitle: T\n---\n\nFirst paragraph.\n\nSecond paragraph.\n"
    edited = "---\ntitle: T (new title)\n---\n\nFirst paragraph.\n\nSecond paragraph, edited.\n"
    first = split_document(parse_document(original, "t.md"))
    again = split_document(parse_document(original, "t.md"))
    changed = split_document(parse_document(edited, "t.md"))
    assert [p.id for p in first] == [p.id for p in again]
    assert first[0].id == changed[0].id
    assert first[1].id != changed[1].id


def test_repeated_paragraphs_in_one_document_get_distinct_ids():
    text = "---\ntitle: T\n---\n\nSame words.\n\nSame words.\n"
    passages = split_document(parse_document(text, "t.md"))
    assert len({p.id for p in passages}) == 2


def test_the_word_before_a_period_is_found_as_the_regex_of_earlier_builds_found_it():
    """Sentence cuts are part of the index: loading re-splits every passage and refuses one cut
    elsewhere, so the faster scan must agree exactly with the regex indexes were built with."""

    def by_regex(text: str, start: int, end: int) -> str | None:
        match = re.search(r"([A-Za-z][A-Za-z.]*)$", text[start:end])
        return match.group(1) if match else None

    generator = random.Random(7)
    for _ in range(20_000):
        text = "".join(generator.choice("aZ.\n é1Dr") for _ in range(generator.randint(1, 12)))
        start, end = sorted(generator.sample(range(len(text) + 1), 2))
        assert _last_word(text, start, end) == by_regex(text, start, end), (text, start, end)
