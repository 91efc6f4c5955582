"""Per-chat memory, in process and short-lived: follow-up context, questions behind buttons, rates."""

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

# A follow-up is a short message: "and zinc?", "how long does that take?".
FOLLOW_UP_MAX_WORDS = 7


class ExpiringMap:
    """A bounded mapping whose entries expire ``ttl`` seconds after they were set."""

    def __init__(
        self, ttl: float, max_items: int = 50_000, clock: Callable[[], float] = time.monotonic
    ):
        self.ttl = ttl
        self.max_items = max_items
        self.clock = clock
        self._items: OrderedDict = OrderedDict()

    def set(self, key, value) -> None:
        self._items.pop(key, None)
        self._items[key] = (self.clock() + self.ttl, value)
        while len(self._items) > self.max_items:
            self._items.popitem(last=False)

    def get(self, key):
        entry = self._items.get(key)
        if entry is None:
            return None
        expires, value = entry
        if self.clock() >= expires:
            del self._items[key]
            return None
        return value

    def __len__(self) -> int:
        return len(self._items)


class ChatMemory:
    """The previous question of each chat (for follow-ups) and the questions behind "More" buttons."""

    def __init__(self, ttl: float = 600, clock: Callable[[], float] = time.monotonic) -> None:
        self.previous = ExpiringMap(ttl, clock=clock)
        self.questions = ExpiringMap(max(ttl, 3600), clock=clock)

    def remember(self, chat_id: int, question: str) -> None:
        self.previous.set(chat_id, question)

    def previous_question(self, chat_id: int) -> str | None:
        return self.previous.get(chat_id)

    def token_for(self, question: str) -> str:
        """A short token standing for ``question`` in a button's callback data (64 bytes at most)."""
        token = secrets.token_hex(5)
        self.questions.set(token, question)
        return token

    def question_for(self, token: str) -> str | None:
        return self.questions.get(token)


def is_follow_up(question: str) -> bool:
    return 0 < len(question.split()) <= FOLLOW_UP_MAX_WORDS
