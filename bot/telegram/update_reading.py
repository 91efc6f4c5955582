"""Reading ``getUpdates``: an update python-telegram-bot cannot parse is skipped, not fatal.

PTB parses a whole batch at once, and one update it cannot read (a field a newer Bot API added in a
shape it does not expect) makes ``get_updates`` raise: the offset never moves past it, polling
fetches the same batch for ever, and every later question waits behind it. So when the same offset
is asked for again after a batch came back (PTB could not read that batch), each update of it is
tried on its own before PTB sees it; one that does not parse is replaced by its bare ``update_id``
(no handler matches it, the inbox marks it done, the offset moves on) and counted in one log line,
without its contents. Only then: parsing an update takes PTB a quarter of a millisecond, and every
batch that reads is not parsed twice.
"""

from __future__ import annotations

import json
import logging
import time

from telegram import Update
from telegram.request import HTTPXRequest

log = logging.getLogger(__name__)


class UpdateReadingRequest(HTTPXRequest):
    """The HTTP client for ``getUpdates`` that sets aside updates PTB could not parse, and notes
    when Telegram last answered it (polling is alive: the heartbeat asks)."""

    def __init__(self, *args, clock=time.monotonic, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.clock = clock
        self.answered_at = clock()
        self._batch_at: object = None  # the offset of the last batch that came back

    async def do_request(
        self, url: str, method: str, request_data=None, *args, **kwargs
    ) -> tuple[int, bytes]:
        status, payload = await super().do_request(url, method, request_data, *args, **kwargs)
        if status != 200 or not url.endswith("/getUpdates"):
            return status, payload
        self.answered_at = self.clock()
        offset = request_data.parameters.get("offset") if request_data is not None else None
        unread = offset == self._batch_at
        self._batch_at = offset if b'"update_id"' in payload else None
        return status, readable_updates(payload) if unread else payload

    def polled_within(self, seconds: float) -> bool:
        return self.clock() - self.answered_at <= seconds


def readable_updates(payload: bytes) -> bytes:
    """The ``getUpdates`` response with each unreadable update cut down to its ``update_id``."""
    try:
        response = json.loads(payload)
        updates = response["result"]
    except (ValueError, KeyError, TypeError):
        return payload  # not a batch: PTB reports it as it does
    if not isinstance(updates, list):
        return payload
    skipped = 0
    for position, update in enumerate(updates):
        try:
            Update.de_json(update, None)
        except Exception:  # whatever PTB would raise on it  # noqa: BLE001
            if isinstance(update, dict) and isinstance(update.get("update_id"), int):
                updates[position] = {"update_id": update["update_id"]}
                skipped += 1
    if not skipped:
        return payload
    log.warning("%d updates could not be read and were skipped.", skipped)
    return json.dumps(response).encode()
