"""The RE2 screen in front of the red-flag lexicons: it may let through more than matches, never less."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.evaluation.sets import EVAL_DIR, load_part
from bot.safety.screen import Screen, widen
from bot.safety.triage import load_red_flags

pytest.importorskip("re2")


def _patterns(lexicon) -> list[str]:
    out = []
    for flag in lexicon.flags:
        any_of, all_of = flag.compiled
        out += ([any_of.pattern] if any_of is not None else []) + [g.pattern for g in all_of]
    return out


@pytest.fixture(scope="module")
def lexicons():
    return load_red_flags().lexicons


def test_every_pattern_of_every_language_is_screened(lexicons):
    """A pattern RE2 cannot read is searched every time: correct, but the speed is gone."""
    for language, lexicon in lexicons.items():
        patterns = _patterns(lexicon)
        screen = Screen(patterns)
        assert screen.candidates("") == frozenset(), language


def test_the_screen_lets_through_every_window_a_pattern_matches(lexicons):
    """Every sentence and pair of sentences of every labelled message, in every language's
    lexicon: where Python's pattern matches, the screen names it."""
    messages = []
    for part in ("dev", "heldout"):
        loaded = load_part(EVAL_DIR / part, part)
        messages += [c.q for c in loaded.urgent] + [c.q for c in loaded.calm]
    assert len(messages) > 300
    for language, lexicon in lexicons.items():
        patterns = _patterns(lexicon)
        compiled = [re.compile(p) for p in patterns]
        screen = Screen(patterns)
        for message in messages:
            sentences = lexicon.sentences(message)
            windows = sentences + [f"{a} . {b}" for a, b in zip(sentences, sentences[1:])]
            for window in windows:
                may = screen.candidates(window)
                for position, pattern in enumerate(compiled):
                    if pattern.search(window):
                        assert position in may, (language, pattern.pattern[:60], window)


def test_the_screen_leaves_most_patterns_unsearched_for_an_everyday_question(lexicons):
    english = lexicons["en"]
    patterns = _patterns(english)
    may = Screen(patterns).candidates(english.normalise("how long before probiotics help my gut"))
    assert len(may) < len(patterns) / 4


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bpe\b", "a pe after surgery"),
        (r"no(?! no\b)", "no blood"),
        (r"(?<!oh )no\b", "no fever"),
        (r"\w+ап", "сказал кап"),
        (r"[\w']+ bleeding", "it's bleeding"),
        (r"\d{2,} tablets", "٣٠ tablets"),
        (r"кров", "рвота с кровью"),
    ],
)
def test_widened_patterns_match_where_the_original_does(pattern, text):
    import re2

    assert re.search(pattern, text)
    assert re2.search(widen(pattern, text.isascii()), text)


def test_a_pattern_re2_cannot_read_is_searched_every_time():
    screen = Screen([r"(a)\1", "blood"])
    assert 0 in screen.candidates("nothing here")
    assert screen.candidates("blood") == {0, 1}


_ALPHABET = st.sampled_from(list("abo nl-'.,é") + ["no ", "blood ", "кровь ", " pe ", "١٢"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=20).map("".join))
def test_widening_never_narrows(text):
    import re2

    for pattern in (r"\bno\b(?! no)", r"\w+ blood", r"(?<!\w)pe\b", r"[\w-]+\d", r"кров\w*"):
        if re.search(pattern, text):
            assert re2.search(widen(pattern, text.isascii()), text), (pattern, text)


def test_the_lexicon_finds_the_same_flags_without_the_screen(lexicons, monkeypatch):
    """The screen changes the speed, never a verdict."""
    english = lexicons["en"]
    messages = [c.q for c in load_part(EVAL_DIR / "dev", "dev").urgent]
    screened = [[f.id for f in english.find(m)] for m in messages]
    monkeypatch.setattr(Screen, "candidates", lambda self, text: frozenset(range(self.size)))
    fresh = type(english)(
        english.language,
        english.flags,
        english.guards,
        english.misspellings,
        english.fuzzy_words,
        english.calm_examples,
    )
    assert [[f.id for f in fresh.find(m)] for m in messages] == screened
    assert sum(map(bool, screened)) > len(messages) / 2  # the lexicon alone finds most


def test_without_re2_every_pattern_is_searched(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_re2(name, *args, **kwargs):
        if name == "re2":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_re2)
    assert Screen(["blood", "fever"]).candidates("nothing") == {0, 1}
