"""Red-flag triage: the lexicon layer, normalisation, and the safety data file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.safety.triage import load_red_flags
from bot.errors import ConfigError


@pytest.fixture(scope="module")
def detector():
    return load_red_flags()


@pytest.mark.parametrize(
    ("message", "flag"),
    [
        ("CHEST PAIN and sweating", "chest_pain"),
        ("I have chést páin", "chest_pain"),
        ("my knee is swolen and I have a feaver", "hot_swollen_joint_fever"),
        ("my knee is swollen and I have a temprature", "hot_swollen_joint_fever"),
        ("i am vomitting blood", "gi_bleeding"),
        ("I’m thinking about suicde", "suicide_self_harm"),
        ("I feel suicidial", "suicide_self_harm"),
        ("can’t bear weight on my ankle after the fall", "injury_deformity"),
        ("I took too many pills", "overdose_poisoning"),
        ("my stool is black", "gi_bleeding"),
        ("sudden numbness in my leg", "neurological_cauda_equina"),
    ],
)
def test_lexicon_catches_red_flags_through_case_accents_and_misspellings(detector, message, flag):
    verdict = detector.check(message)
    assert verdict.urgent and flag in verdict.flags


@pytest.mark.parametrize(
    "message",
    [
        "my knees ache in the morning",
        "does gluten cause inflammation?",
        "I had a fever last year",
        "chest",
    ],
)
def test_everyday_complaints_are_not_flagged_by_the_lexicon(detector, message):
    assert not detector.check(message).urgent


def test_crisis_comes_before_emergency(detector):
    verdict = detector.check("chest pain and I want to kill myself")
    assert verdict.kinds == ("crisis", "emergency")


def test_a_broken_red_flags_file_is_one_line(tmp_path: Path):
    bad = tmp_path / "flags.toml"
    bad.write_text('[[flag]]\nid = "x"\nkind = "emergency"\nany = ["(unclosed"]\n')
    with pytest.raises(ConfigError, match=r"^RED_FLAGS_FILE: flag 'x' has a bad pattern"):
        load_red_flags(bad)
    bad.write_text('[[flag]]\nid = "y"\nkind = "mild"\n')
    with pytest.raises(ConfigError, match="has kind 'mild'"):
        load_red_flags(bad)
