"""The fixed texts live in one file that maintainers edit without touching code."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answering.compose import compose_answer
from bot.answering.fixed_texts import DEFAULT_TEXTS_FILE, load_texts
from bot.errors import ConfigError
from bot.safety.triage import Triage


def test_an_edited_texts_file_changes_what_users_read(tmp_path: Path):
    edited = tmp_path / "texts.toml"
    edited.write_text(
        DEFAULT_TEXTS_FILE.read_text(encoding="utf-8").replace(
            "this is not medical advice", "THIS IS NOT MEDICAL ADVICE"
        ),
        encoding="utf-8",
    )
    texts = load_texts(edited)
    answer = compose_answer("anything", Triage(), texts, topics=["A"])
    assert "THIS IS NOT MEDICAL ADVICE" in answer.disclaimer
    assert answer.notice.endswith("“A”.")


def test_a_texts_file_missing_a_text_is_refused(tmp_path: Path):
    broken = tmp_path / "texts.toml"
    broken.write_text('disclaimer = "x"\n')
    with pytest.raises(
        ConfigError, match=r"^TEXTS_FILE: .* lacks the text\(s\) disclaimer_short, escalation, "
    ):
        load_texts(broken)


def test_every_urgent_text_names_an_emergency_number():
    texts = load_texts()
    for kind, text in texts.urgent.items():
        assert "112" in text and "911" in text and "999" in text, kind
    assert "911" in texts.escalation and "not medical advice" in texts.disclaimer
    # ... and so does every line under urgent advice, one for each kind.
    assert set(texts.escalation_urgent) == set(texts.urgent)
    for kind, line in texts.escalation_urgent.items():
        assert "112" in line and "911" in line and "999" in line, kind


def test_a_texts_file_without_the_line_under_urgent_advice_names_it(tmp_path: Path):
    edited = tmp_path / "texts.toml"
    text = DEFAULT_TEXTS_FILE.read_text(encoding="utf-8")
    start = text.index("[escalation_urgent]")
    edited.write_text(text[:start] + text[text.index("[urgent]"):], encoding="utf-8")
    with pytest.raises(ConfigError, match=r"lacks the text\(s\) escalation_urgent.emergency, "):
        load_texts(edited)
