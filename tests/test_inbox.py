"""The inbox: a question once received is answered, across a stall, a failed delivery or a restart;
the webhook refuses what is not Telegram's before reading it."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time

import aiohttp
import pytest

from bot.telegram.app import build_application
from bot.telegram.inbox import INBOX_FILE, SqliteInbox, open_inbox
from bot.telegram.serve import serve
from tests.fake_telegram import FakeBotAPI, Fault
from tests.harness import TOKEN, bot_system, running_bot
from tests.test_telegram import free_port, wait_until

SECRET = "inbox-test-Secret_1"


@pytest.fixture
async def api():
    server = FakeBotAPI(TOKEN)
    await server.start()
    yield server
    await server.stop()


# The store ------------------------------------------------------------------------------------


def test_an_update_is_kept_once_until_done_and_then_its_text_is_gone(tmp_path):
    clock = iter(range(1000, 2000)).__next__
    inbox = SqliteInbox(tmp_path / INBOX_FILE, clock=clock)
    assert inbox.add(7, '{"text": "my knee"}') and inbox.add(5, "{}")
    assert not inbox.add(7, "{}")  # a resend
    assert [p.update_id for p in inbox.pending()] == [5, 7] and inbox.depth() == 2
    inbox.done([7])
    assert not inbox.add(7, "{}")  # answered: still recognised, not answered again
    assert [p.update_id for p in inbox.pending()] == [5] and inbox.depth() == 1
    inbox.close()
    reopened = SqliteInbox(tmp_path / INBOX_FILE, clock=clock)
    assert [p.update_id for p in reopened.pending()] == [5] and reopened.depth() == 1
    assert reopened._db.execute("SELECT payload FROM inbox WHERE update_id = 7").fetchone() == (
        None,
    )


def test_old_pending_updates_expire(tmp_path):
    now = [0.0]
    inbox = SqliteInbox(tmp_path / INBOX_FILE, clock=lambda: now[0])
    inbox.add(1, "{}")
    now[0] = 3600.0
    inbox.add(2, "{}")
    assert inbox.expire(max_age=1800) == 1
    assert [p.update_id for p in inbox.pending()] == [2] and inbox.depth() == 1


def test_a_data_dir_that_cannot_hold_the_inbox_keeps_it_in_memory_with_one_warning(
    tmp_path, caplog
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be")
    caplog.set_level(logging.WARNING)
    inbox = open_inbox(blocked)
    assert not inbox.durable and inbox.add(1, "{}") and inbox.depth() == 1
    [record] = caplog.records
    assert "DATA_DIR" in record.getMessage() and "\n" not in record.getMessage()


def test_a_damaged_inbox_file_is_moved_aside_and_a_new_one_started(tmp_path, caplog):
    (tmp_path / INBOX_FILE).write_bytes(b"this is not a database" * 100)
    caplog.set_level(logging.WARNING)
    inbox = open_inbox(tmp_path)
    assert inbox.durable and inbox.add(1, "{}")
    [aside] = tmp_path.glob(f"{INBOX_FILE}.damaged-*")
    assert aside.read_bytes().startswith(b"this is not a database")
    [record] = caplog.records
    assert record.levelno == logging.ERROR and "moved aside" in record.getMessage()


def test_a_write_the_file_refuses_is_kept_in_memory_until_it_can_be_written(tmp_path, caplog):
    """The disk full, or another process holding the file: the bot goes on answering, says so
    once, and writes what waited as soon as it can."""
    import sqlite3

    inbox = SqliteInbox(tmp_path / INBOX_FILE)
    inbox.add(1, "{}")
    other = sqlite3.connect(tmp_path / INBOX_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # holds the write lock past the inbox's busy timeout
    caplog.set_level(logging.WARNING)
    assert inbox.add(2, '{"n": 2}') and not inbox.add(2, "{}")
    inbox.done([1])
    assert not inbox.durable and inbox.depth() == 1
    assert [p.update_id for p in inbox.pending()] == [2]
    assert [r.levelno for r in caplog.records] == [logging.ERROR]  # said once
    other.execute("ROLLBACK")
    other.close()
    assert inbox.add(3, "{}") and inbox.durable
    inbox.close()
    reopened = SqliteInbox(tmp_path / INBOX_FILE)
    assert [p.update_id for p in reopened.pending()] == [2, 3]
    # The same again, the lock released just before a clean stop: written at the stop.
    other = sqlite3.connect(tmp_path / INBOX_FILE, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    reopened.done([2])
    reopened.add(4, "{}")
    other.execute("ROLLBACK")
    other.close()
    reopened.close()
    assert [p.update_id for p in SqliteInbox(tmp_path / INBOX_FILE).pending()] == [3, 4]


def test_the_inbox_refuses_update_ids_telegram_never_sends(tmp_path):
    inbox = SqliteInbox(tmp_path / INBOX_FILE)
    for bad in (None, "7", 1.5, -1, 2**63, True):
        with pytest.raises(ValueError):
            inbox.add(bad, "{}")
    assert inbox.depth() == 0


def test_answered_text_does_not_stay_on_disk_and_the_file_is_private(tmp_path):
    inbox = SqliteInbox(tmp_path / INBOX_FILE)
    inbox.add(1, '{"text": "my private knee question"}')
    inbox.done([1])
    # While the bot runs (closing would checkpoint and remove the write-ahead log anyway).
    for part in tmp_path.glob(f"{INBOX_FILE}*"):
        assert b"private knee" not in part.read_bytes(), part.name
    inbox.close()
    assert (tmp_path / INBOX_FILE).stat().st_mode & 0o777 == 0o600


# Through the bot ------------------------------------------------------------------------------


async def test_a_stop_with_the_bot_api_stalled_ends_in_time_and_the_question_waits(
    api, fake_index_dir, tmp_path
):
    system = bot_system(api, fake_index_dir, tmp_path, shutdown_timeout_seconds=3)
    api.fail("sendMessage", *[Fault(drop=True, delay=5.0)] * 8)
    async with running_bot(system):
        api.send_text("what is leaky gut", chat_id=801)
        await wait_until(lambda: any(m == "sendMessage" for m, _ in api.calls))
        api.fail("getUpdates", *[Fault(status=200, delay=5.0)] * 4)  # polling stalls as well
        await asyncio.sleep(0.5)
        stopped_at = time.monotonic()
    # Within the deadline, and without an error (running_bot re-raises what serve raised).
    assert time.monotonic() - stopped_at < 3.5
    assert [m for m in api.sent if m.chat_id == 801] == []
    inbox = SqliteInbox(system.settings.data_dir / INBOX_FILE)
    assert inbox.depth() == 1
    inbox.close()

    await asyncio.sleep(5.5)  # the stalled calls run out
    api.fail("sendMessage")  # and the API answers again
    api._faults.clear()
    async with running_bot(system):
        await api.wait_for_messages(1, chat_id=801, timeout=20)
        await asyncio.sleep(0.5)
    assert len([m for m in api.sent if m.chat_id == 801]) == 1


async def test_an_answer_that_could_not_be_delivered_is_sent_after_a_restart(
    api, fake_index_dir, tmp_path
):
    system = bot_system(api, fake_index_dir, tmp_path)
    # Telegram's front answers 502 to the first try and every retry: the answer surely did not
    # arrive, so the question waits in the inbox.
    api.fail("sendMessage", *[Fault(status=502)] * 4)
    async with running_bot(system):
        api.send_text("what is leaky gut", chat_id=802)
        await wait_until(lambda: sum(m == "sendMessage" for m, _ in api.calls) >= 4, 20)
        await asyncio.sleep(0.3)
    assert [m for m in api.sent if m.chat_id == 802] == []
    async with running_bot(system):
        await api.wait_for_messages(1, chat_id=802, timeout=20)
        await asyncio.sleep(0.5)
    assert len([m for m in api.sent if m.chat_id == 802]) == 1


# The webhook ----------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def webhook_bot(api, fake_index_dir, tmp_path, **overrides):
    port = free_port()
    system = bot_system(
        api,
        fake_index_dir,
        tmp_path,
        bot_mode="webhook",
        webhook_url="https://bot.example.org/hook",
        webhook_secret=SECRET,
        webhook_listen="127.0.0.1",
        webhook_port=port,
        **overrides,
    )
    application = build_application(system.settings, system.telegram_services())
    stop = asyncio.Event()
    serving = asyncio.create_task(serve(application, system.settings, stop=stop))
    try:
        await wait_until(lambda: api.webhook_url != "")
        yield f"http://127.0.0.1:{port}/hook", port
    finally:
        stop.set()
        await serving
        system.close()


HEADERS = {"X-Telegram-Bot-Api-Secret-Token": SECRET, "Content-Type": "application/json"}


async def test_the_webhook_answers_a_resent_update_once(api, fake_index_dir, tmp_path):
    update = {"update_id": 91, "message": api.message(811, 811, text="what is leaky gut")}
    async with webhook_bot(api, fake_index_dir, tmp_path) as (url, _):
        async with aiohttp.ClientSession() as session:
            for _ in range(3):  # Telegram sends again when it did not see the 200
                async with session.post(url, data=json.dumps(update), headers=HEADERS) as reply:
                    assert reply.status == 200
        await api.wait_for_messages(1, chat_id=811)
        await asyncio.sleep(0.5)
    assert len([m for m in api.sent if m.chat_id == 811]) == 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[1, 2, 3]", 400),
        (b'{"no_update_id": true}', 400),
        (b"\xff\xfe", 400),
        (b'{"update_id": null, "message": {}}', 400),
        (b'{"update_id": NaN}', 400),
        (b'{"update_id": "abc"}', 400),
        (b'{"update_id": 1.5}', 400),
        (b'{"update_id": 9223372036854775808}', 400),
        (b'{"update_id": 5, "message": "x"}', 400),
        (b'{"update_id": 6, "callback_query": 5}', 400),
        (b"[" * 100_000 + b"]" * 100_000, 400),
    ],
)
async def test_the_webhook_answers_4xx_to_what_is_not_an_update(
    api, fake_index_dir, tmp_path, body, status, caplog
):
    caplog.set_level(logging.DEBUG)
    async with (
        webhook_bot(api, fake_index_dir, tmp_path) as (url, _),
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=HEADERS) as reply,
    ):
        assert reply.status == status
    assert "Traceback" not in caplog.text


async def test_the_webhook_refuses_a_huge_body_before_reading_it(api, fake_index_dir, tmp_path):
    async with webhook_bot(api, fake_index_dir, tmp_path, webhook_max_body_bytes=65536) as (
        _,
        port,
    ):
        # Declares 100 MB and sends 1 KB of it: the answer comes without the rest being read.
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /hook HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + f"X-Telegram-Bot-Api-Secret-Token: {SECRET}\r\n".encode()
            + b"Content-Length: 104857600\r\n\r\n"
            + b"{" * 1024
        )
        await writer.drain()
        status_line = await asyncio.wait_for(reader.readline(), timeout=5)
        writer.close()
        assert status_line.split()[1] == b"413"
        # Within the limit but sent without the secret: 403, nothing queued.
        async with aiohttp.ClientSession() as session:
            update = {"update_id": 92, "message": api.message(812, 812, text="what is leaky gut")}
            async with session.post(
                f"http://127.0.0.1:{port}/hook", data=json.dumps(update)
            ) as reply:
                assert reply.status == 403
        await asyncio.sleep(0.5)
    assert [m for m in api.sent if m.chat_id == 812] == []


async def test_a_full_inbox_takes_no_more_until_one_is_answered(tmp_path):
    """Past INBOX_MAX_PENDING the polling loop (or the webhook request) waits: Telegram holds the
    rest, instead of the bot's memory or disk."""
    from telegram import Update

    from bot.ops.metrics import Metrics
    from bot.telegram.intake import DurableUpdateQueue

    inbox = SqliteInbox(tmp_path / INBOX_FILE)
    queue = DurableUpdateQueue(inbox, Metrics(), max_pending=2)
    await queue.put(Update(1))
    await queue.put(Update(2))
    third = asyncio.create_task(queue.put(Update(3)))
    await asyncio.sleep(0.3)
    assert not third.done() and queue.qsize() == 2
    inbox.done([1])
    await asyncio.wait_for(third, timeout=2)
    assert queue.qsize() == 3 and inbox.depth() == 2


async def test_an_answer_whose_reply_is_lost_on_the_way_is_not_sent_again_and_again(
    api, fake_index_dir, tmp_path
):
    """Telegram took the answer, but its reply never came back (cut off; a slow Bot API alike):
    each try may repeat it, so it is tried twice, and handled again once (it was 16 copies)."""
    system = bot_system(api, fake_index_dir, tmp_path)
    api.fail("sendMessage", *[Fault(status=200, drop_after=True)] * 20)
    async with running_bot(system):
        api.send_text("what is leaky gut", chat_id=803)
        await api.wait_for_messages(1, chat_id=803, timeout=20)
        await asyncio.sleep(3)
    async with running_bot(system):  # handled again once, at this start
        await asyncio.sleep(3)
    assert 1 <= len([m for m in api.sent if m.chat_id == 803]) <= 4


async def test_questions_held_while_the_bot_was_down_are_not_refused_by_the_rate_limit(
    api, fake_index_dir, tmp_path
):
    """Five questions asked a minute apart while the bot was down arrive together at its start:
    each is answered (the limit is 2 a minute), none gets "you are asking too fast"."""
    system = bot_system(api, fake_index_dir, tmp_path, rate_limit_per_minute=2)
    asked = int(time.time()) - 6 * 60
    for n in range(5):
        message = api.message(804, 804, text="what is leaky gut", date=asked + n * 60)
        api.send_raw({"message": message})
    async with running_bot(system):
        replies = await api.wait_for_messages(5, chat_id=804, timeout=20)
        await asyncio.sleep(0.5)
    assert all("<blockquote>" in reply.text for reply in replies)
    assert len([m for m in api.sent if m.chat_id == 804]) == 5


def test_polling_is_taken_for_dead_when_telegram_stops_answering_it():
    """The heartbeat asks this before it beats: a polling loop that died (or a Telegram that
    stopped answering it) makes `quotebot health` fail, instead of saying "serving"."""
    from bot.telegram.update_reading import UpdateReadingRequest

    now = [100.0]
    request = UpdateReadingRequest(clock=lambda: now[0])
    assert request.polled_within(45)
    now[0] += 46
    assert not request.polled_within(45)
