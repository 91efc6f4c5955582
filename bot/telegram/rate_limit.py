"""At most so many questions per user per minute, told once when they go over."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from bot.answering.conversation import ExpiringMap


class RateLimiter:
    """At most ``limit`` questions per user in any ``window`` seconds (0 turns it off)."""

    def __init__(
        self, limit: int, window: float = 60.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self._events: dict[int, deque[float]] = {}
        self._warned: ExpiringMap = ExpiringMap(window, clock=clock)

    def check(self, user_id: int) -> float:
        """0 when the user may ask now (and counts it), else the seconds until they may."""
        if self.limit <= 0:
            return 0.0
        now = self.clock()
        events = self._events.setdefault(user_id, deque())
        while events and events[0] <= now - self.window:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] + self.window - now
        events.append(now)
        if len(self._events) > 100_000:  # forget idle users
            self._events = {
                k: v for k, v in self._events.items() if v and v[-1] > now - self.window
            }
        return 0.0

    def first_warning(self, user_id: int) -> bool:
        """True the first time in a window that a user is told to slow down (so it is not repeated)."""
        if self._warned.get(user_id):
            return False
        self._warned.set(user_id, True)
        return True
