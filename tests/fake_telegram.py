"""A fake Telegram Bot API server on loopback, for end-to-end tests of the real PTB Application.

It speaks what python-telegram-bot sends (form-encoded bodies with JSON-encoded nested fields,
long-poll ``getUpdates`` with offsets) and rejects what Telegram rejects: malformed HTML, text over
4096 characters after entity parsing, empty text, callback data over 64 bytes, a wrong token.
Faults can be injected per method: 429 with ``retry_after``, 5xx, dropped connections, delays,
409 Conflict.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import itertools
import json
import re
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
ALLOWED_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a", "code",
    "pre", "blockquote", "tg-emoji",
}  # fmt: skip
NESTED_FIELDS = {
    "reply_markup",
    "entities",
    "link_preview_options",
    "allowed_updates",
    "commands",
    "reply_parameters",
}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z-]+(?:=\"[^\"]*\"|='[^']*'|=[^\s>]+)?)*)\s*(/?)>"
)
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


class TelegramBadRequest(Exception):
    """What Telegram answers with 400 Bad Request."""


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_telegram_html(source: str) -> str:
    """The visible text of a Telegram-HTML message, or TelegramBadRequest as Telegram would raise."""
    visible: list[str] = []
    stack: list[str] = []
    position = 0
    while position < len(source):
        char = source[position]
        if char == "<":
            match = _TAG_RE.match(source, position)
            if not match:
                raise TelegramBadRequest(
                    f"Bad Request: can't parse entities: Unexpected start tag at byte offset {position}"
                )
            closing, name, _, _ = match.groups()
            name = name.lower()
            if name not in ALLOWED_TAGS:
                raise TelegramBadRequest(
                    f'Bad Request: can\'t parse entities: Unsupported start tag "{name}" at byte offset {position}'
                )
            if closing:
                if not stack or stack[-1] != name:
                    raise TelegramBadRequest(
                        f'Bad Request: can\'t parse entities: Unmatched end tag at byte offset {position}, expected "</{stack[-1] if stack else ""}>", found "</{name}>"'
                    )
                stack.pop()
            else:
                stack.append(name)
            position = match.end()
        elif char == "&":
            match = _ENTITY_RE.match(source, position)
            if not match:
                raise TelegramBadRequest(
                    f"Bad Request: can't parse entities: Character '&' is reserved and must be escaped at byte offset {position}"
                )
            visible.append(html.unescape(match.group(0)))
            position = match.end()
        elif char == ">":
            raise TelegramBadRequest(
                f"Bad Request: can't parse entities: Character '>' is reserved and must be escaped at byte offset {position}"
            )
        else:
            visible.append(char)
            position += 1
    if stack:
        raise TelegramBadRequest(
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\""
        )
    return "".join(visible)


@dataclass
class Fault:
    """One injected failure for the next call of a method."""

    status: int = 429
    retry_after: int | None = None
    drop: bool = False
    delay: float = 0.0
    description: str | None = None
    # Carry the call out, then drop the connection before the reply: a reply lost on the way.
    drop_after: bool = False


@dataclass
class SentMessage:
    chat_id: int
    text: str
    message_id: int
    parse_mode: str | None
    reply_markup: dict | None
    visible_text: str
    params: dict = field(repr=False, default_factory=dict)

    @property
    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]


class FakeBotAPI:
    """A Bot API server for one bot token; start it, point TELEGRAM_API_BASE_URL at ``url``."""

    def __init__(
        self, token: str, *, username: str = "quotebot_test_bot", bot_id: int | None = None
    ):
        self.token = token
        self.username = username
        self.bot_id = bot_id or int(token.split(":")[0])
        self.sent: list[SentMessage] = []
        self.sent_times: list[float] = []  # time.perf_counter() of each sent message
        self.calls: list[tuple[str, dict]] = []
        self.callback_answers: list[dict] = []
        self.chat_actions: list[dict] = []
        self.edits: list[tuple[str, int, int]] = []  # ("text" | "markup", chat_id, message_id)
        self.rejected: list[tuple[str, str]] = []
        self.webhook_url = ""
        self.conflict = False
        self._updates: deque[dict] = deque()
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1000)
        self._faults: dict[str, deque[Fault]] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------------------ server

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound = site._server.sockets[0].getsockname()[1]  # the port the OS picked
        self.url = f"http://{host}:{bound}"
        return self.url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        method = request.match_info["method"]
        params = await self._params(request)
        self.calls.append((method, params))
        fault = self._next_fault(method)
        if fault:
            if fault.delay:
                await asyncio.sleep(fault.delay)
            if fault.drop:
                request.transport.close()
                raise ConnectionResetError("dropped by the fake Bot API")
            if fault.status == 429:
                return _error(
                    429,
                    f"Too Many Requests: retry after {fault.retry_after}",
                    retry_after=fault.retry_after,
                )
            if fault.status >= 500:
                return web.Response(
                    status=fault.status,
                    text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                    content_type="text/html",
                )
            if fault.status != 200:
                return _error(fault.status, fault.description or "Error")
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            return _error(404, "Not Found")
        try:
            result = await handler(params)
            if fault and fault.drop_after:
                request.transport.close()
                raise ConnectionResetError("reply dropped by the fake Bot API")
        except TelegramBadRequest as exc:
            self.rejected.append((method, str(exc)))
            return _error(400, str(exc))
        except _Conflict:
            return _error(
                409,
                "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
            )
        return web.json_response({"ok": True, "result": result})

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        if request.content_type == "application/json":
            params.update(await request.json())
        elif request.can_read_body:
            params.update({k: v for k, v in (await request.post()).items() if isinstance(v, str)})
        for name in NESTED_FIELDS & set(params):
            if isinstance(params[name], str):
                try:
                    params[name] = json.loads(params[name])
                except json.JSONDecodeError as exc:
                    raise web.HTTPBadRequest(text=f"can't parse {name} JSON object") from exc
        return params

    def _next_fault(self, method: str) -> Fault | None:
        queue = self._faults.get(method)
        return queue.popleft() if queue else None

    # ------------------------------------------------------------------- fault injection

    def fail(self, method: str, *faults: Fault) -> None:
        """Answer the next calls of ``method`` with these faults, one each, in order."""
        self._faults.setdefault(method, deque()).extend(faults)

    # -------------------------------------------------------------------- updates to send

    def _push(self, update: dict) -> int:
        update_id = next(self._update_ids)
        self._updates.append({"update_id": update_id, **update})
        asyncio.get_running_loop().create_task(self._notify())
        return update_id

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def user(self, user_id: int) -> dict:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": f"User{user_id}",
            "language_code": "en",
        }

    def chat(self, chat_id: int, chat_type: str) -> dict:
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": chat_type, "title": "Health group"}

    def message(
        self, chat_id: int, user_id: int, chat_type: str = "private", **fields: Any
    ) -> dict:
        return {
            "message_id": next(self._message_ids),
            "date": int(time.time()),
            "chat": self.chat(chat_id, chat_type),
            "from": self.user(user_id),
            **fields,
        }

    def send_text(
        self,
        text: str,
        *,
        chat_id: int = 111,
        user_id: int | None = None,
        chat_type: str = "private",
        reply_to: SentMessage | None = None,
        edited: bool = False,
        message_id: int | None = None,
    ) -> dict:
        """Deliver a text message from a user; commands and @mentions get their entities."""
        fields: dict[str, Any] = {"text": text}
        entities = [
            {"type": "bot_command", "offset": m.start(), "length": m.end() - m.start()}
            for m in re.finditer(r"(?<!\S)/[a-z_]+(@\w+)?", text)
            if m.start() == 0
        ] + [
            {
                "type": "mention",
                "offset": utf16_length(text[: m.start()]),
                "length": m.end() - m.start(),
            }
            for m in re.finditer(r"@\w+", text)
            if not text.startswith("/")
        ]
        if entities:
            fields["entities"] = entities
        if reply_to is not None:
            fields["reply_to_message"] = {
                "message_id": reply_to.message_id,
                "date": int(time.time()),
                "chat": self.chat(reply_to.chat_id, chat_type),
                "from": self.bot_user(),
                "text": reply_to.visible_text,
            }
        message = self.message(chat_id, user_id or chat_id, chat_type, **fields)
        if message_id is not None:  # an edit of the message the user sent before
            message["message_id"] = message_id
        if edited:
            message["edit_date"] = int(time.time())
        self._push({"edited_message" if edited else "message": message})
        return message

    def send_raw(self, update: dict) -> int:
        """Deliver an update exactly as given (one python-telegram-bot cannot parse, say)."""
        return self._push(update)

    def send_sticker(self, *, chat_id: int = 111, chat_type: str = "private") -> None:
        sticker = {
            "file_id": "CAACAgIAAxkBAAE", "file_unique_id": "AgADAgAD", "type": "regular",
            "width": 512, "height": 512, "is_animated": False, "is_video": False,
        }  # fmt: skip
        self._push({"message": self.message(chat_id, chat_id, chat_type, sticker=sticker)})

    def send_photo(self, *, caption: str | None = None, chat_id: int = 111) -> None:
        photo = [
            {"file_id": "AgACAgIAAxkBAAE", "file_unique_id": "AQADAgAD", "width": 90, "height": 90}
        ]
        fields: dict[str, Any] = {"photo": photo}
        if caption:
            fields["caption"] = caption
        self._push({"message": self.message(chat_id, chat_id, **fields)})

    def press(self, message: SentMessage, data: str, *, user_id: int | None = None) -> None:
        """A user presses an inline button under ``message``."""
        self._push(
            {
                "callback_query": {
                    "id": str(next(self._update_ids)),
                    "from": self.user(user_id or message.chat_id),
                    "chat_instance": "1",
                    "data": data,
                    "message": self._message_json(message),
                }
            }
        )

    def bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "quotebot",
            "username": self.username,
        }

    async def wait_for_messages(
        self, count: int, timeout: float = 30.0, chat_id: int | None = None
    ) -> list[SentMessage]:
        """Wait until ``count`` messages were sent (to ``chat_id`` if given); return them."""
        deadline = time.monotonic() + timeout
        while True:
            messages = [m for m in self.sent if chat_id is None or m.chat_id == chat_id]
            if len(messages) >= count:
                return messages
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(
                    f"expected {count} messages, got {len(messages)}: {[m.text[:80] for m in messages]}"
                )
            async with self._changed:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), timeout=min(remaining, 0.5))

    def pending_updates(self) -> int:
        return len(self._updates)

    def drop_pending_updates(self) -> None:
        """Forget the updates not yet confirmed (Telegram does after 24 hours)."""
        self._updates.clear()

    # ------------------------------------------------------------------------ the methods

    async def api_getme(self, params: dict) -> dict:
        return self.bot_user() | {
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def api_getupdates(self, params: dict) -> list[dict]:
        if self.conflict:
            raise _Conflict()
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        while self._updates and self._updates[0]["update_id"] < offset:
            self._updates.popleft()  # confirmed by the offset, as Telegram forgets them
        deadline = time.monotonic() + timeout
        while not self._updates and time.monotonic() < deadline:
            async with self._changed:
                try:
                    await asyncio.wait_for(
                        self._changed.wait(), timeout=deadline - time.monotonic()
                    )
                except TimeoutError:
                    break
        return list(itertools.islice(self._updates, 0, limit))

    def _validated(self, params: dict) -> tuple[str, dict | None]:
        """The visible text and the keyboard of a message to send or edit, or Telegram's 400."""
        text = params.get("text", "")
        if "chat_id" not in params:
            raise TelegramBadRequest("Bad Request: chat not found")
        if not str(text).strip():
            raise TelegramBadRequest("Bad Request: message text is empty")
        visible = (
            parse_telegram_html(text)
            if (params.get("parse_mode") or "").upper() == "HTML"
            else text
        )
        if not visible.strip():
            raise TelegramBadRequest("Bad Request: message text is empty")
        if utf16_length(visible) > MAX_TEXT:
            raise TelegramBadRequest("Bad Request: message is too long")
        markup = params.get("reply_markup")
        _check_keyboard(markup)
        return visible, markup

    async def api_sendmessage(self, params: dict) -> dict:
        visible, markup = self._validated(params)
        chat_id = int(params["chat_id"])
        message = SentMessage(
            chat_id,
            params.get("text", ""),
            next(self._message_ids),
            params.get("parse_mode"),
            markup,
            visible,
            params,
        )
        self.sent.append(message)
        self.sent_times.append(time.perf_counter())
        await self._notify()
        return self._message_json(message)

    def _message_json(self, message: SentMessage) -> dict:
        data = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": self.chat(message.chat_id, "private" if message.chat_id > 0 else "supergroup"),
            "from": self.bot_user(),
            "text": message.visible_text,
        }
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    def _find(self, params: dict) -> SentMessage:
        wanted = (int(params.get("chat_id", 0)), int(params.get("message_id", 0)))
        for message in self.sent:
            if (message.chat_id, message.message_id) == wanted:
                return message
        raise TelegramBadRequest("Bad Request: message to edit not found")

    async def api_editmessagetext(self, params: dict) -> dict:
        message = self._find(params)
        visible, markup = self._validated(params)
        if params.get("text") == message.text and markup == message.reply_markup:
            raise TelegramBadRequest("Bad Request: message is not modified")
        message.text, message.visible_text, message.reply_markup = params["text"], visible, markup
        message.parse_mode = params.get("parse_mode")
        self.edits.append(("text", message.chat_id, message.message_id))
        await self._notify()
        return self._message_json(message)

    async def api_editmessagereplymarkup(self, params: dict) -> dict:
        message = self._find(params)
        markup = params.get("reply_markup")
        _check_keyboard(markup)
        if markup == message.reply_markup:
            raise TelegramBadRequest("Bad Request: message is not modified")
        message.reply_markup = markup
        self.edits.append(("markup", message.chat_id, message.message_id))
        await self._notify()
        return self._message_json(message)

    async def api_sendchataction(self, params: dict) -> bool:
        self.chat_actions.append(params)
        return True

    async def api_answercallbackquery(self, params: dict) -> bool:
        self.callback_answers.append(params)
        await self._notify()
        return True

    async def api_deletewebhook(self, params: dict) -> bool:
        self.webhook_url = ""
        return True

    async def api_setwebhook(self, params: dict) -> bool:
        self.webhook_url = params.get("url", "")
        return True

    async def api_getwebhookinfo(self, params: dict) -> dict:
        return {"url": self.webhook_url, "has_custom_certificate": False, "pending_update_count": 0}

    async def api_setmycommands(self, params: dict) -> bool:
        return True

    async def api_close(self, params: dict) -> bool:
        return True


def _check_keyboard(markup: dict | None) -> None:
    for row in (markup or {}).get("inline_keyboard", []):
        for button in row:
            if len(button.get("callback_data", "").encode("utf-8")) > MAX_CALLBACK_DATA:
                raise TelegramBadRequest("Bad Request: BUTTON_DATA_INVALID")
            if not button.get("text"):
                raise TelegramBadRequest(
                    "Bad Request: text buttons are unallowed in the inline keyboard"
                )


class _Conflict(Exception):
    pass


def _error(status: int, description: str, retry_after: int | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return web.json_response(body, status=status)
