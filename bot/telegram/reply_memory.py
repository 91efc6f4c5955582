"""Which message of the bot answered which message of a user, for two days: so that an edited
question updates its answer instead of getting a second one."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.answering.conversation import ExpiringMap

REPLY_TTL = 2 * 24 * 3600.0  # Telegram lets a message be edited for 48 hours


class ReplyMemory:
    def __init__(self, ttl: float = REPLY_TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._replies = ExpiringMap(ttl, clock=clock)

    def remember(self, chat_id: int, question_id: int, reply_id: int) -> None:
        self._replies.set((chat_id, question_id), reply_id)

    def reply_to(self, chat_id: int, question_id: int) -> int | None:
        return self._replies.get((chat_id, question_id))
