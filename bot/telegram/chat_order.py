"""One chat's questions answered one after another, in the order they arrived; chats in parallel.

python-telegram-bot handles updates concurrently, so two quick questions in one chat could be
answered out of order. Each chat gets a lock that its handlers take in arrival order (asyncio's
locks are first come, first served); idle locks are dropped so memory stays bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Hashable


class ChatOrder:
    """Per-chat locks: ``async with order.turn(chat_id):`` around answering and replying."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._waiting: dict[Hashable, int] = {}

    @contextlib.asynccontextmanager
    async def turn(self, chat: Hashable) -> AsyncIterator[None]:
        lock = self._locks.setdefault(chat, asyncio.Lock())
        self._waiting[chat] = self._waiting.get(chat, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[chat] -= 1
            if not self._waiting[chat]:
                del self._waiting[chat], self._locks[chat]

    def __len__(self) -> int:
        return len(self._locks)
