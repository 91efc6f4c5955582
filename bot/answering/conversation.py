"""Conversation: what a chat asked a few minutes ago, and when a message borrows it.

Every channel (Telegram, the console chat) answers a message the same way: :meth:`Conversation.plan`
says which questions to answer for it (the message alone, and, for a short follow-up, the message
read after the chat's previous question), the channel answers them in one batch, and
:meth:`Conversation.settle` picks the answer and remembers the chat's question. Memory is in process,
bounded and short-lived: nothing of it outlives ``ttl`` seconds or a restart.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from bot.answering.answer import Answer

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


def is_follow_up(message: str) -> bool:
    return 0 < len(message.split()) <= FOLLOW_UP_MAX_WORDS


@dataclass(frozen=True)
class Turn:
    """One message of a chat and the questions to answer for it: the message alone, then, when it
    may be a follow-up, the message read after the chat's previous question."""

    chat: Hashable
    message: str
    questions: tuple[str, ...]


class Conversation:
    """The previous question of each chat, and the follow-up rule every channel applies."""

    def __init__(
        self, ttl: float = 600, clock: Callable[[], float] = time.monotonic, max_chats: int = 50_000
    ) -> None:
        self._previous = ExpiringMap(ttl, max_chats, clock)

    def plan(self, chat: Hashable, message: str) -> Turn:
        """What to answer for ``message``: itself, and with context when it may be a follow-up."""
        previous = self._previous.get(chat)
        questions = (message,)
        if previous and is_follow_up(message):
            questions += (f"{previous} {message}",)
        return Turn(chat, message, questions)

    def settle(self, turn: Turn, answers: Sequence[Answer]) -> Answer:
        """The answer to give for ``turn`` (``answers`` match its questions), remembered for the chat.

        A follow-up takes the answer read with context only when the message alone found nothing
        and is not urgent. Urgent messages and fixed replies to odd input are not remembered.
        """
        answer = answers[0]
        if (
            len(answers) > 1
            and answer.status == "no_answer"
            and not answer.urgent
            and answers[1].answered
        ):
            answer = answers[1]
        if answer.status in {"answered", "no_answer"} and not answer.urgent:
            self._previous.set(turn.chat, answer.question)
        return answer

    def previous_question(self, chat: Hashable) -> str | None:
        return self._previous.get(chat)
