"""What the Telegram handlers use, built once by the composition root (:mod:`bot.system`)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from bot.answering.answer import Answer
from bot.answering.conversation import Conversation
from bot.answering.fixed_texts import FixedTexts
from bot.ingest.corpus import SourceDocument
from bot.ops.metrics import Metrics
from bot.telegram.chat_order import ChatOrder
from bot.telegram.feedback import FeedbackStore
from bot.telegram.inbox import Inbox
from bot.telegram.question_tokens import QuestionTokens
from bot.telegram.rate_limit import RateLimiter
from bot.telegram.reply_memory import ReplyMemory


class Answerer(Protocol):
    """Answers a question asynchronously (the batching front of the pipeline, or a test's stand-in)."""

    async def answer(self, text: str, *, offset: int = 0, context: str | None = None) -> Answer: ...


@dataclass
class Services:
    """Everything a handler needs; the Application closes it on shutdown."""

    answerer: Answerer
    texts: FixedTexts
    conversation: Conversation
    tokens: QuestionTokens
    limiter: RateLimiter
    # None: the data folder is unusable, so ratings are off (no buttons)
    feedback: FeedbackStore | None
    sources: Sequence[SourceDocument]
    metrics: Metrics
    inbox: Inbox
    order: ChatOrder = field(default_factory=ChatOrder)
    replies: ReplyMemory = field(default_factory=ReplyMemory)
    # Seals rating buttons (see callback_data): a secret of this bot.
    button_key: bytes = field(default_factory=lambda: secrets.token_bytes(32))

    def close(self) -> None:
        """Release what holds a file or a connection (the feedback database, the inbox)."""
        if self.feedback is not None:
            self.feedback.close()
        self.inbox.close()
