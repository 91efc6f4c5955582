"""The questions behind "More passages" buttons, each standing in callback data as a short token.

Telegram allows 64 bytes of callback data, so a button carries a token, not the question. A token
is issued for one chat and one offset, resolves for an hour, in process, and is spent by its first
press: pressed in another chat, with another offset, after its hour, or a second time, it shows
nothing (anyone can send a bot any callback data, and a double tap must not answer twice).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from bot.answering.conversation import ExpiringMap

TOKEN_BYTES = 5  # 10 hex characters
TOKEN_TTL = 3600.0
# Buttons remembered at most; the oldest are forgotten first (their presses then say "expired").
MAX_TOKENS = 50_000


@dataclass
class _Issued:
    chat_id: int
    question: str
    offset: int
    context: str | None = None
    spent: bool = False


@dataclass(frozen=True)
class Claim:
    """What a press of a token gets: the question (``ok``), nothing (``spent``: pressed before), or
    the "expired" notice (``expired``: unknown, too old, another chat's, or another offset)."""

    status: Literal["ok", "spent", "expired"]
    question: str | None = None
    context: str | None = None  # the previous question a follow-up was read with


class QuestionTokens:
    """Short-lived tokens for questions: :meth:`issue` one for a button, :meth:`claim` it on a press."""

    def __init__(
        self,
        ttl: float = TOKEN_TTL,
        clock: Callable[[], float] = time.monotonic,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        self._issued = ExpiringMap(ttl, max_items=max_tokens, clock=clock)

    def issue(
        self, question: str, chat_id: int, offset: int, context: str | None = None
    ) -> str:
        """A token for the button that shows ``question``'s passages from ``offset`` in
        ``chat_id`` (read with ``context`` when it was a follow-up)."""
        token = secrets.token_hex(TOKEN_BYTES)
        self._issued.set(token, _Issued(chat_id, question, offset, context))
        return token

    def claim(self, token: str, chat_id: int, offset: int) -> Claim:
        """The question behind a press, spending the token; see :class:`Claim` for the refusals."""
        issued: _Issued | None = self._issued.get(token)
        if issued is None or issued.chat_id != chat_id or issued.offset != offset:
            return Claim("expired")
        if issued.spent:
            return Claim("spent")
        issued.spent = True
        return Claim("ok", issued.question, issued.context)

    def __len__(self) -> int:
        return len(self._issued)
