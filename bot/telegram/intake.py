"""How updates reach the handlers through the inbox: kept before confirmed, marked done once answered.

python-telegram-bot has one door for updates: the Application's update queue, which the polling
Updater fills before it moves the ``getUpdates`` offset past a batch, and which quotebot's webhook
server fills before it answers 200. :class:`DurableUpdateQueue` is that queue with the inbox in
front: ``put`` returns only once the update is on disk. :class:`InboxProcessor` runs the handlers
and marks the update done after they returned; an update whose reply could not be delivered (the
Bot API unreachable through every retry) stays pending and is tried again later.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable
from typing import Any

from telegram import Bot, Update
from telegram.ext import SimpleUpdateProcessor

from bot.ops.metrics import Metrics
from bot.telegram.inbox import Inbox

log = logging.getLogger(__name__)

# Seconds before an update whose reply could not be delivered is handled again, and how often:
# thrice when it surely did not arrive (no connection, a 5xx), once when it may have (a reply
# timed out or cut off), since then each try may deliver the same answer again.
REDELIVER_AFTER = 15.0
REDELIVER_ATTEMPTS = 3
REDELIVER_ATTEMPTS_AMBIGUOUS = 1
# While this many updates wait, the next one is not taken: polling stops fetching and a webhook
# request waits, so Telegram holds them (it keeps them for 24 hours) instead of quotebot's memory.
BACKPRESSURE_POLL = 0.05


class DurableUpdateQueue(asyncio.Queue):
    """The Application's update queue; an update is in the inbox before ``put`` returns."""

    def __init__(self, inbox: Inbox, metrics: Metrics, *, max_pending: int) -> None:
        super().__init__()
        self.inbox = inbox
        self.metrics = metrics
        self.max_pending = max_pending

    async def put(self, item: Any) -> None:
        if isinstance(item, Update):
            while self.inbox.depth() >= self.max_pending:
                await asyncio.sleep(BACKPRESSURE_POLL)
            try:
                added = self.inbox.add(item.update_id, json.dumps(item.to_dict()))
            except ValueError:
                log.warning("An update with an id Telegram never sends was dropped.")
                return
            if not added:
                self.metrics.inbox_duplicates.inc()  # a resend of one already received
                return
        await super().put(item)

    def requeue(self, update: Update) -> None:
        """Hand an update already in the inbox to the handlers again."""
        self.put_nowait(update)

    def replay(self, bot: Bot, *, max_age: float) -> int:
        """Queue what a previous run received and did not answer, oldest first, ahead of anything
        new; updates older than ``max_age`` seconds are given up (counted and logged, no text)."""
        expired = self.inbox.expire(max_age)
        if expired:
            self.metrics.inbox_expired.inc(expired)
            log.warning(
                "%d questions received more than %.0f hours ago were never answered; given up.",
                expired,
                max_age / 3600,
            )
        replayed, unreadable = 0, []
        for pending in self.inbox.pending():
            try:
                update = Update.de_json(json.loads(pending.payload), bot)
            except (ValueError, TypeError, KeyError):
                unreadable.append(pending.update_id)
                continue
            self.put_nowait(update)
            replayed += 1
        if unreadable:
            self.inbox.done(unreadable)
            log.warning("%d stored updates could not be read and were dropped.", len(unreadable))
        if replayed:
            self.metrics.inbox_replayed.inc(replayed)
            log.info("Answering %d questions received before the last stop first.", replayed)
        return replayed


class InboxProcessor(SimpleUpdateProcessor):
    """Runs the handlers of up to ``max_concurrent_updates`` updates at once, and marks each done
    in the inbox when they returned, unless its reply was not delivered."""

    def __init__(self, queue: DurableUpdateQueue, max_concurrent_updates: int) -> None:
        super().__init__(max_concurrent_updates)
        self.queue = queue
        self._undelivered: dict[int, bool] = {}
        self._attempts: dict[int, int] = {}
        self._running: set[asyncio.Task] = set()
        self._abandoned = False

    def undelivered(self, update: object, *, surely: bool = True) -> None:
        """Called by the error handler: this update's reply did not reach Telegram (``surely``,
        or perhaps it did: the reply to it was lost)."""
        if isinstance(update, Update):
            self._undelivered[update.update_id] = surely

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        task = asyncio.current_task()
        self._running.add(task)
        try:
            await coroutine
        finally:
            self._running.discard(task)
        if not isinstance(update, Update) or self._abandoned:
            return
        update_id = update.update_id
        if update_id in self._undelivered:
            surely = self._undelivered.pop(update_id)
            attempt = self._attempts.get(update_id, 0) + 1
            if attempt <= (REDELIVER_ATTEMPTS if surely else REDELIVER_ATTEMPTS_AMBIGUOUS):
                self._attempts[update_id] = attempt
                asyncio.get_running_loop().call_later(
                    REDELIVER_AFTER * attempt, self._redeliver, update
                )
                return  # still pending: tried again soon, or at the next start
            log.warning("A reply could not be delivered after %d attempts.", attempt)
        self._attempts.pop(update_id, None)
        self.queue.inbox.done([update_id])

    def _redeliver(self, update: Update) -> None:
        if not self._abandoned:
            self.queue.requeue(update)

    def abandon(self) -> int:
        """At a stop past its deadline: stop what runs, mark nothing more done (it stays pending
        for the next start). Returns how many were cut short."""
        self._abandoned = True
        running = list(self._running)
        for task in running:
            task.cancel()
        return len(running)
