"""Micro-batching: questions arriving together are encoded together.

The model encodes a batch of 32 short questions in little more time than one, so concurrent users
are served by one model call instead of 32. A question waits at most ``window`` seconds for others
to join it; while a batch is in the model, new questions queue for the next one.
"""

from __future__ import annotations

import asyncio

from bot.answering.answer import Answer
from bot.answering.pipeline import AnswerPipeline, Request

DEFAULT_WINDOW = 0.002
DEFAULT_MAX_BATCH = 32


class BatchingAnswerer:
    """Async front of the pipeline: ``await answer(text)`` from many tasks, batched underneath."""

    def __init__(
        self,
        pipeline: AnswerPipeline,
        *,
        window: float = DEFAULT_WINDOW,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        self.pipeline = pipeline
        self.window = window
        self.max_batch = max_batch
        self._pending: list[tuple[Request, asyncio.Future]] = []
        self._lock: asyncio.Lock | None = None
        self.batches = 0

    async def answer(
        self,
        text: str,
        *,
        offset: int = 0,
        context: str | None = None,
        language_hint: str | None = None,
        urgent: tuple[str, ...] = (),
        cautions: tuple[str, ...] = (),
        after_question: bool = False,
    ) -> Answer:
        """The answer to ``text`` (read with ``context`` when it borrows the previous question;
        ``language_hint`` is the sender's app language, if known; ``urgent`` and ``cautions``:
        the urgent advice and the cautions the chat was given a few minutes ago)."""
        request = Request(text, offset, context, language_hint, urgent, cautions, after_question)
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._pending.append((request, future))
        if len(self._pending) == 1:
            loop.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:  # one batch in the model at a time; the rest gather meanwhile
            if self.window:
                await asyncio.sleep(self.window)
            while self._pending:
                batch, self._pending = (
                    self._pending[: self.max_batch],
                    self._pending[self.max_batch :],
                )
                self.batches += 1
                try:
                    answers = await asyncio.to_thread(
                        self.pipeline.answer_batch, [r for r, _ in batch]
                    )
                except Exception as exc:  # handed to every waiting question's handler
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), answer in zip(batch, answers):
                    if not future.done():
                        future.set_result(answer)
