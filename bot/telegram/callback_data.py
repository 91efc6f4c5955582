"""The callback data under quotebot's buttons: one format, encoded, sealed and parsed here only.

    m:<token>:<offset>               "More passages": the question behind ``token``, from passage ``offset``
    f:<+|->:<id>.<id>.<id>:<seal>    👍 / 👎 on the quotes shown, by the first characters of their
                                     passage ids, sealed for the chat the answer went to

Anyone can send a bot any callback data, so a rating carries a seal: an HMAC of the chat, the
rating and the ids, keyed by a secret of the bot. A rating whose seal does not match was not under
an answer the bot sent in that chat, and is not stored. Telegram allows at most 64 bytes; both
forms stay under it, and data over it is not a press. The patterns also route presses to their
handlers (``CallbackQueryHandler(..., pattern=...)``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass

MAX_DATA_BYTES = 64  # Telegram's limit on callback data
PASSAGE_ID_CHARS = 12  # of a passage id in callback data: 3 ids and a seal fit in 64 bytes
MAX_RATED_QUOTES = 3
SEAL_CHARS = 16  # 64 bits of HMAC-SHA256: guessing one takes billions of presses

MORE_PATTERN = re.compile(r"^m:([0-9a-f]{1,16}):(\d{1,6})\Z")  # \Z: no trailing newline
RATING_PATTERN = re.compile(
    rf"^f:([+-]):([0-9a-f]{{1,{PASSAGE_ID_CHARS}}}(?:\.[0-9a-f]{{1,{PASSAGE_ID_CHARS}}}){{0,{MAX_RATED_QUOTES - 1}}})"
    rf":([0-9a-f]{{{SEAL_CHARS}}})\Z"
)


@dataclass(frozen=True)
class MorePress:
    """The "More passages" button: the question behind ``token``, from passage ``offset`` on."""

    token: str
    offset: int


@dataclass(frozen=True)
class RatingPress:
    """👍 (``rating`` 1) or 👎 (-1) pressed under quotes of these passages (id prefixes), with the
    seal the bot wrote for them (see :func:`sealed_for`)."""

    rating: int
    passage_ids: tuple[str, ...]
    seal: str = ""


ButtonPress = MorePress | RatingPress


def encode(press: ButtonPress) -> str:
    """The callback data for a button."""
    if isinstance(press, MorePress):
        return f"m:{press.token}:{press.offset}"
    return f"f:{'+' if press.rating > 0 else '-'}:{'.'.join(press.passage_ids)}:{press.seal}"


def parse(data: str | None) -> ButtonPress | None:
    """The press a button's callback data stands for, or None for data quotebot did not write."""
    if not data or len(data.encode("utf-8")) > MAX_DATA_BYTES:
        return None
    if match := MORE_PATTERN.match(data):
        return MorePress(match.group(1), int(match.group(2)))
    if match := RATING_PATTERN.match(data):
        rating = 1 if match.group(1) == "+" else -1
        return RatingPress(rating, tuple(match.group(2).split(".")), match.group(3))
    return None


def rating_buttons(passage_ids: Sequence[str], chat_id: int, key: bytes) -> tuple[str, str]:
    """Callback data of the 👍 and 👎 buttons under quotes of these passages, sent to ``chat_id``."""
    ids = tuple(pid[:PASSAGE_ID_CHARS] for pid in passage_ids[:MAX_RATED_QUOTES])
    up, down = (RatingPress(rating, ids, _seal(key, chat_id, rating, ids)) for rating in (1, -1))
    return encode(up), encode(down)


def sealed_for(press: RatingPress, chat_id: int, key: bytes) -> bool:
    """Whether the bot wrote this rating button under an answer it sent to ``chat_id``."""
    expected = _seal(key, chat_id, press.rating, press.passage_ids)
    return hmac.compare_digest(expected, press.seal)


def _seal(key: bytes, chat_id: int, rating: int, ids: tuple[str, ...]) -> str:
    message = f"{chat_id}:{rating}:{'.'.join(ids)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:SEAL_CHARS]
