"""The development sets' sentences as examples for triage's semantic layers: harvested from the
development parts only, kept current with the sets and the lexicon, embedded once."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from bot.errors import ConfigError
from bot.evaluation.sets import EVAL_DIR, load_part, read_sets
from bot.evaluation.triage_examples import development_sets, harvest, render
from bot.safety.semantic import Examples, load_labelled_sentences, semantic_sentences
from bot.safety.triage import DEFAULT_RED_FLAGS_FILE, LABELLED_SENTENCES_FILE, load_red_flags
from tests.fakes import FakeEncoder

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = DEFAULT_RED_FLAGS_FILE.with_name(LABELLED_SENTENCES_FILE)
LANGUAGES = ("de", "es", "fr", "it", "pl", "pt", "ru", "tr", "uk", "ar")


@pytest.fixture(scope="module")
def detector():
    return load_red_flags(languages=LANGUAGES)


def test_the_shipped_examples_are_what_the_sets_and_the_lexicon_give_today(detector):
    """Edit a set or a pattern and forget `quotebot triage-examples`: this fails."""
    directories = development_sets(ROOT)
    sources = [str(d.resolve().relative_to(ROOT)) for d in directories]
    fresh = render(harvest(read_sets(directories), detector), sources)
    assert SHIPPED.read_text(encoding="utf-8") == fresh, "run `quotebot triage-examples`"


def test_no_held_out_message_becomes_an_example():
    shipped = load_labelled_sentences(SHIPPED)
    sentences = {t for side in shipped.urgent.values() for texts in side.values() for t in texts}
    sentences |= {t for texts in shipped.calm.values() for t in texts}
    assert len(sentences) > 1000
    held_out = load_part(EVAL_DIR / "heldout", "heldout")
    for case in [*held_out.urgent, *held_out.calm]:
        assert case.q not in sentences
        # Two writers may both write "I carry an EpiPen."; a whole story never comes back.
        own = semantic_sentences(case.q)
        assert len(own) < 2 or not set(own) <= sentences


def test_a_held_out_part_is_refused():
    with pytest.raises(ConfigError, match="held-out"):
        read_sets([EVAL_DIR / "heldout"])


def test_an_urgent_story_gives_the_sentence_that_carries_the_emergency(tmp_path, detector):
    (tmp_path / "dev").mkdir()
    (tmp_path / "dev" / "triage.toml").write_text(
        '[[urgent]]\nq = "Is glutamine good for the gut? This morning I threw up blood. '
        'Also what about zinc?"\nkind = "emergency"\nstyle = "story"\n\n'
        '[[non_urgent]]\nq = "My knees ache in the cold. Is collagen worth it?"\n'
        'category = "other_health"\n',
        encoding="utf-8",
    )
    found = harvest(read_sets([tmp_path / "dev"]), detector)
    assert found.urgent["en"] == {"gi_bleeding": ["This morning I threw up blood."]}
    assert found.calm["en"] == ["My knees ache in the cold.", "Is collagen worth it?"]
    written = tmp_path / LABELLED_SENTENCES_FILE
    written.write_text(render(found, ["dev"]), encoding="utf-8")
    assert tomllib.loads(written.read_text(encoding="utf-8"))  # valid TOML
    assert load_labelled_sentences(written) == found


def test_a_broken_examples_file_names_the_command_that_rebuilds_it(tmp_path):
    broken = tmp_path / LABELLED_SENTENCES_FILE
    broken.write_text("[urgent.en]\ngi_bleeding = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="quotebot triage-examples"):
        load_labelled_sentences(broken)


def test_the_examples_vectors_are_embedded_once_and_kept(tmp_path, detector):
    flag = detector.english.flags[0]
    texts = [f"unusual example sentence number {i} for the cache test" for i in range(5)]
    first = FakeEncoder(dimension=64, name="cache-test")
    made = Examples(first, [(flag, t) for t in texts], ["calm one here"], tmp_path)
    assert first.encoded and list(tmp_path.glob("triage-examples-*.npy"))
    # Another process (nothing in memory) reads the file instead of embedding again.
    from bot.embedding import vector_cache

    vector_cache._MADE.clear()
    second = FakeEncoder(dimension=64, name="cache-test")
    again = Examples(second, [(flag, t) for t in texts], ["calm one here"], tmp_path)
    assert second.encoded == 0
    assert np.array_equal(made.matrix, again.matrix)
    # Other texts are another file.
    Examples(second, [(flag, "something else entirely")], [], tmp_path)
    assert second.encoded and len(list(tmp_path.glob("triage-examples-*.npy"))) == 2


def test_the_command_writes_the_file_and_refuses_a_held_out_part(tmp_path, capsys):
    from bot.cli import main

    out = tmp_path / "examples.toml"
    assert main(["triage-examples", "--sets", str(EVAL_DIR / "dev"), "--out", str(out)]) == 0
    assert "urgent and" in capsys.readouterr().err
    written = load_labelled_sentences(out)
    assert written.urgent["en"] and written.calm["en"]
    assert main(["triage-examples", "--sets", str(EVAL_DIR / "heldout"), "--out", str(out)]) == 1
    assert "held-out part" in capsys.readouterr().err
