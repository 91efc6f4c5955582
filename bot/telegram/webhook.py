"""The webhook server (BOT_MODE=webhook): an update is in the inbox before Telegram gets its 200.

python-telegram-bot's own server reads the whole body before it looks at the secret, compares the
secret with ``!=``, and answers 500 to a body it cannot parse. This one checks the secret (in
constant time) and refuses a body declared longer than ``max_body`` as soon as the headers are in
(unread), reads at most ``max_body`` bytes, answers 400 to what is not an update, and 200 only once the update is stored.
"""

from __future__ import annotations

import hmac
import json
import logging
from http import HTTPStatus

import tornado.web
from telegram import Bot, Update
from tornado.httpserver import HTTPServer

from bot.telegram.inbox import check_update_id
from bot.telegram.intake import DurableUpdateQueue

log = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@tornado.web.stream_request_body
class UpdateHandler(tornado.web.RequestHandler):
    """POST one update: 403 without the secret, 413 over the limit, 400 if not an update."""

    def initialize(self, queue: DurableUpdateQueue, bot: Bot, secret: str, max_body: int) -> None:
        self.queue, self.bot = queue, bot
        self.secret, self.max_body = secret.encode(), max_body
        self.chunks: list[bytes] = []
        self.received = 0
        self.authentic = False

    def prepare(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "").encode()
        # Without the secret, the body (at most max_body) is read and dropped unparsed before the
        # 403, so that an HTTP client still sees the answer instead of a reset connection.
        self.authentic = hmac.compare_digest(given, self.secret)
        declared = self.request.headers.get("Content-Length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        # A chunked body has no declared length: the connection stops reading past the limit.
        self.request.connection.set_max_body_size(self.max_body)

    def data_received(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.max_body:
            raise tornado.web.HTTPError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
        if self.authentic:
            self.chunks.append(chunk)

    async def post(self) -> None:
        if not self.authentic:
            raise tornado.web.HTTPError(HTTPStatus.FORBIDDEN)
        try:
            data = json.loads(b"".join(self.chunks))
            check_update_id(data.get("update_id") if isinstance(data, dict) else None)
            update = Update.de_json(data, self.bot)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError, OverflowError):
            update = None  # not an update Telegram would send: nothing stored, 400
        if update is None:
            raise tornado.web.HTTPError(HTTPStatus.BAD_REQUEST)
        await self.queue.put(update)
        self.set_status(HTTPStatus.OK)
        self.finish()

    def write_error(self, status_code: int, **kwargs) -> None:
        self.finish(HTTPStatus(status_code).phrase)

    def log_exception(self, typ, value, tb) -> None:
        """One line with the status; never the body (health data) nor a traceback for a 4xx."""
        if isinstance(value, tornado.web.HTTPError):
            log.warning("Webhook request refused: %d.", value.status_code)
        else:
            log.error("Webhook request failed: %s.", typ.__name__)


class WebhookServer:
    """Listens on ``listen``:``port`` for POSTs to ``/path``; ``stop()`` closes it."""

    def __init__(
        self, queue: DurableUpdateQueue, bot: Bot, *, path: str, secret: str, max_body: int
    ) -> None:
        app = tornado.web.Application(
            [
                (
                    rf"/{path}/?",
                    UpdateHandler,
                    {"queue": queue, "bot": bot, "secret": secret, "max_body": max_body},
                )
            ],
            log_function=lambda handler: None,  # no access log: the path is all it would say
        )
        self.server = HTTPServer(app, max_body_size=max_body)

    def start(self, listen: str, port: int) -> None:
        self.server.listen(port, address=listen)

    async def stop(self) -> None:
        self.server.stop()
        await self.server.close_all_connections()
