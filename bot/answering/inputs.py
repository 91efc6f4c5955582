"""What a user typed, made safe to process: control characters out, and the replies for odd input."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

MAX_QUESTION_CHARS = 1000
# What is wrong with a message that gets a fixed reply instead of an answer (names in texts.toml);
# "language" (not English) is the pipeline's to tell, with bot.safety.language.
InputProblem = Literal["empty", "no_words", "too_long", "language"]

_CONTROL = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)


def clean_message(text: str) -> str:
    """NFC, no control or direction-override characters, surrogates replaced, spaces collapsed."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


def _has_surrogates(text: str) -> bool:
    # Most messages are ASCII, which holds none: no need to look at each character.
    return not text.isascii() and any("\ud800" <= ch <= "\udfff" for ch in text)


def input_problem(text: str, max_chars: int = MAX_QUESTION_CHARS) -> InputProblem | None:
    """The name of the fixed reply a cleaned message needs instead of an answer, or None."""
    if not text:
        return "empty"
    if not any(ch.isalpha() for ch in text):  # stops at the first letter
        return "no_words"
    if len(text) > max_chars:
        return "too_long"
    return None
