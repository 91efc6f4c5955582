"""The callback data under quotebot's buttons: one format, encoded and parsed here only.

    m:<token>:<offset>        "More passages": the question behind ``token``, from passage ``offset``
    f:<+|->:<id>.<id>.<id>    👍 / 👎 on the quotes shown, by the first characters of their passage ids

Telegram allows at most 64 bytes; both forms stay under it. The patterns also route presses to
their handlers (``CallbackQueryHandler(..., pattern=...)``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

PASSAGE_ID_CHARS = 12  # of a passage id in callback data: 3 ids fit in Telegram's 64 bytes
MAX_RATED_QUOTES = 3

MORE_PATTERN = re.compile(r"^m:([0-9a-f]{1,16}):(\d{1,6})$")
RATING_PATTERN = re.compile(
    rf"^f:([+-]):([0-9a-f]{{1,{PASSAGE_ID_CHARS}}}(?:\.[0-9a-f]{{1,{PASSAGE_ID_CHARS}}}){{0,{MAX_RATED_QUOTES - 1}}})$"
)


@dataclass(frozen=True)
class MorePress:
    """The "More passages" button: the question behind ``token``, from passage ``offset`` on."""

    token: str
    offset: int


@dataclass(frozen=True)
class RatingPress:
    """👍 (``rating`` 1) or 👎 (-1) pressed under quotes of these passages (id prefixes)."""

    rating: int
    passage_ids: tuple[str, ...]


ButtonPress = MorePress | RatingPress


def encode(press: ButtonPress) -> str:
    """The callback data for a button."""
    if isinstance(press, MorePress):
        return f"m:{press.token}:{press.offset}"
    ids = ".".join(pid[:PASSAGE_ID_CHARS] for pid in press.passage_ids[:MAX_RATED_QUOTES])
    return f"f:{'+' if press.rating > 0 else '-'}:{ids}"


def parse(data: str | None) -> ButtonPress | None:
    """The press a button's callback data stands for, or None for data quotebot did not write."""
    if not data:
        return None
    if match := MORE_PATTERN.match(data):
        return MorePress(match.group(1), int(match.group(2)))
    if match := RATING_PATTERN.match(data):
        return RatingPress(1 if match.group(1) == "+" else -1, tuple(match.group(2).split(".")))
    return None


def rating_buttons(passage_ids: Sequence[str]) -> tuple[str, str]:
    """Callback data of the 👍 and 👎 buttons under quotes of these passages."""
    ids = tuple(passage_ids)
    return encode(RatingPress(1, ids)), encode(RatingPress(-1, ids))
