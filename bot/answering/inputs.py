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


# Words that only call the bot before what is asked ("@quotebot by what mechanism?", "bot, and
# why?"), and its name anywhere: in a group the message is for the bot, the words ask nothing.
_ADDRESS_RE = re.compile(
    r"^\W*(?:(?:ok|okay|so|and|yo|oi)\s+)?(?:(?:a )?question for (?:the )?)?"
    r"(?:@?quote_?bot|@\w*bot|bot)\b"
    r"[\s,:;!.-]*",
    re.IGNORECASE,
)
# ... by any bot's @name: Telegram's bot usernames end in "bot" ("@HealthBot"), and a chat that
# is not Telegram does not know which one this bot has.
_NAME_RE = re.compile(r"\s*@\w*bot\b", re.IGNORECASE)


def without_address(text: str) -> str:
    """``text`` without the words that call the bot ("@quotebot and for tummy troubles too?" is
    "and for tummy troubles too?"); unchanged when nothing else is left ("hey bot"), but for
    the "@" of its name: "@quotebot" alone calls the bot, it is no aside to someone else."""
    said = _NAME_RE.sub("", _ADDRESS_RE.sub("", text, count=1)).strip()
    return said if any(ch.isalpha() for ch in said) else text.replace("@", "")


# Who speaks, as a transcript of a group chat writes it before the message ("Aunty Bisi: is it
# not just old age?"): a name of one or two capitalised words, a colon, then what was said.
_SPEAKER_RE = re.compile(r"^[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+)?: +(?=\S+ \S)")


def without_speaker(text: str) -> str:
    """``text`` without the name of who speaks before it ("Dan: lads 7pm Thursday still on?")."""
    return _SPEAKER_RE.sub("", text, count=1)


def clean_message(text: str) -> str:
    """NFC, no control or direction-override characters, surrogates replaced, spaces collapsed,
    punctuation spoken to voice typing written as such."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(text) else text
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    return spoken_punctuation(re.sub(r"\s+", " ", text).strip())


# Emoji, their joiners and variation selectors: the model has no word piece for them.
_PICTOGRAPHS_RE = re.compile(
    "[\u2600-\u27bf\u2b00-\u2bff\u231a\u231b\u23e9-\u23ff\ufe0e\ufe0f\u200d\U0001f000-\U0001faff]+"
)


def as_the_model_reads(text: str) -> str:
    """``text`` less its emoji ("what am I actually supposed to eat 😅"): the model reads each as
    an unknown word piece, which carries no meaning and pulls the vector away from every passage
    and known question."""
    if text.isascii():
        return text
    plain = re.sub(r"\s+", " ", _PICTOGRAPHS_RE.sub(" ", text)).strip()
    return plain or text


# Punctuation said to voice typing and written out as words ("is that true question mark", "oh
# my goodness comma so what should I do").
_SPOKEN_PUNCTUATION_RE = re.compile(
    r"\s*\b(question mark|comma|full stop|exclamation mark|exclamation point)\b(?=\s|$)",
    re.IGNORECASE,
)
_SPOKEN_MARKS = {
    "question mark": "?",
    "comma": ",",
    "full stop": ".",
    "exclamation mark": "!",
    "exclamation point": "!",
}


def spoken_punctuation(text: str) -> str:
    """``text`` with punctuation spoken as words ("question mark") written as the mark."""
    if "comma" not in text and " mark" not in text and "stop" not in text and "point" not in text:
        return text  # most messages: nothing spoken

    def mark(match: re.Match[str]) -> str:
        before = text[: match.start()].rsplit(None, 1)[-1:]
        if before and before[0].casefold() in ("a", "an", "the"):
            return match.group(0)  # "came to a full stop": said, not dictated
        return _SPOKEN_MARKS[match.group(1).casefold()]

    return _SPOKEN_PUNCTUATION_RE.sub(mark, text).strip()


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
