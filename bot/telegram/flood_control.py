"""Flood control for Bot API calls: Telegram's 429s waited out, transient network errors retried."""

from __future__ import annotations

import asyncio
import logging

import httpx
from telegram.error import BadRequest, Conflict, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter

from bot.ops.metrics import Metrics

logger = logging.getLogger(__name__)
# Bot API calls that surely did not arrive (no connection, a 5xx) are sent again this many times;
# those that may have (a reply timed out or cut off) once; Telegram's own 429 answers are retried by
# AIORateLimiter after `retry_after`.
NETWORK_RETRIES = 3
AMBIGUOUS_RETRIES = 1


def never_arrived(error: Exception) -> bool:
    """Whether a failed Bot API call surely did nothing: no connection was made (refused, timed
    out connecting, no free connection), or Telegram answered with a 5xx. Otherwise (the reply
    timed out, the connection dropped mid-way) Telegram may have done what was asked."""
    cause = error.__cause__
    if isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return True
    if isinstance(error, TimedOut) or not isinstance(error, NetworkError):
        return False
    # Raised for the status of an answer (a 5xx, its body JSON or not), not for a broken exchange.
    return not isinstance(cause, httpx.HTTPError)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, retries after 429) that also retries transient network errors."""

    def __init__(self, metrics: Metrics, *, max_retries: int = 5, backoff: float = 0.5) -> None:
        super().__init__(max_retries=max_retries)
        self.metrics = metrics
        self.backoff = backoff

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):
        async def counted(*call_args, **call_kwargs):
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter:  # AIORateLimiter waits `retry_after`, then calls again
                self.metrics.telegram_retries.labels(reason="retry_after").inc()
                raise

        attempt = 0
        while True:
            try:
                return await super().process_request(
                    counted, args, kwargs, endpoint, data, rate_limit_args
                )
            except (RetryAfter, BadRequest, Conflict):
                raise
            except (TimedOut, NetworkError) as exc:
                # getUpdates has its own retry loop in the Updater. A request Telegram may have
                # carried out (the reply timed out or the connection dropped after it was sent)
                # is sent once more at most: each try may deliver the same answer again.
                limit = NETWORK_RETRIES if never_arrived(exc) else AMBIGUOUS_RETRIES
                if endpoint == "getUpdates" or attempt >= limit:
                    raise
                attempt += 1
                self.metrics.telegram_retries.labels(reason=type(exc).__name__).inc()
                logger.warning(
                    "Bot API %s failed (%s); retry %d of %d.",
                    endpoint,
                    type(exc).__name__,
                    attempt,
                    NETWORK_RETRIES,
                )
                await asyncio.sleep(self.backoff * attempt)
