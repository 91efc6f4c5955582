"""The questions behind "More passages" buttons, each standing in callback data as a short token.

Telegram allows 64 bytes of callback data, so a button carries a token, not the question; the token
resolves for an hour, in process.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable

from bot.answering.conversation import ExpiringMap

TOKEN_BYTES = 5  # 10 hex characters
TOKEN_TTL = 3600.0


class QuestionTokens:
    """Short-lived tokens for questions: :meth:`issue` one for a button, :meth:`resolve` it later."""

    def __init__(self, ttl: float = TOKEN_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._questions = ExpiringMap(ttl, clock=clock)

    def issue(self, question: str) -> str:
        token = secrets.token_hex(TOKEN_BYTES)
        self._questions.set(token, question)
        return token

    def resolve(self, token: str) -> str | None:
        return self._questions.get(token)
