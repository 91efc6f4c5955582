"""Operations: the heartbeat behind the health check, JSON logs without secrets, metrics endpoint."""

from __future__ import annotations

import io
import json
import logging
import socket
import urllib.request
from pathlib import Path

from bot import cli
from bot.answering.answer import Answer
from bot.ops.health import check_heartbeat, write_heartbeat
from bot.ops.logs import configure_logging
from bot.ops.metrics import Metrics
from tests.harness import TOKEN


def test_health_follows_the_heartbeat(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    assert cli.main(["health"]) == 1
    assert "no heartbeat" in capsys.readouterr().out
    write_heartbeat(tmp_path, "polling", clock=lambda: 1000.0)
    assert check_heartbeat(tmp_path, 60, clock=lambda: 1030.0)[0]
    healthy, message = check_heartbeat(tmp_path, 60, clock=lambda: 1100.0)
    assert not healthy and "100 s ago" in message
    write_heartbeat(tmp_path, "polling", waiting=3)
    assert cli.main(["health"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("healthy: serving (polling)") and "3 questions waiting" in out
    assert "memory" not in out
    write_heartbeat(tmp_path, "webhook", durable=False)
    assert cli.main(["health"]) == 0
    assert "kept in memory" in capsys.readouterr().out


def test_json_logs_are_one_object_per_line_without_the_token(monkeypatch):
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging("INFO", secrets=[TOKEN], json_format=True)
    try:
        logging.getLogger("httpx").info(
            "HTTP Request: POST https://api.telegram.org/bot%s/getMe", TOKEN
        )
        logging.getLogger("bot.test").warning(
            "calling https://api.telegram.org/bot%s/sendMessage failed", TOKEN
        )
        try:
            raise RuntimeError(f"boom at /bot{TOKEN}/x")
        except RuntimeError:
            logging.getLogger("bot.test").exception("handler failed")
    finally:
        logging.getLogger().handlers.clear()
    lines = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    assert [line["level"] for line in lines] == ["WARNING", "ERROR"]  # httpx INFO is held back
    assert "[REDACTED]" in lines[0]["message"]
    assert TOKEN not in stream.getvalue() and TOKEN.split(":")[1] not in stream.getvalue()


def test_metrics_endpoint_exposes_the_counters():
    from prometheus_client import start_http_server

    metrics = Metrics()
    metrics.count(Answer("q", (), "e", "d", urgent_advice=("u",), status="no_answer"))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server, thread = start_http_server(port, addr="127.0.0.1", registry=metrics.registry)
    try:
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    finally:
        server.shutdown()
    assert 'quotebot_questions_total{outcome="no_answer"} 1.0' in body
    assert "quotebot_urgent_total 1.0" in body
    assert "quotebot_answer_seconds_bucket" in body


def test_a_bot_serving_without_a_usable_data_folder_is_still_seen_as_serving(tmp_path):
    """DATA_DIR read-only or full: the inbox and feedback fall back (with a warning each), and the
    heartbeat goes to the temporary folder, so the container's health check does not fail."""
    data_dir = tmp_path / "data"
    data_dir.write_text("a file where the data folder should be")
    write_heartbeat(data_dir, "polling", clock=lambda: 1000.0, durable=False)
    healthy, message = check_heartbeat(data_dir, 60, clock=lambda: 1010.0)
    assert healthy and "kept in memory" in message
    from bot.ops.health import clear_heartbeat

    clear_heartbeat(data_dir)
    assert not check_heartbeat(data_dir, 60, clock=lambda: 1010.0)[0]


def test_no_exception_message_reaches_the_log_from_any_logger(monkeypatch):
    """A Bot API error description or a key of a message can quote what a user wrote: every
    logger's exceptions are logged with their type and stack, not their message."""
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    configure_logging("DEBUG")
    marker = "".join(("swollen", "-knee-", "7731"))
    try:
        try:
            raise KeyError(marker)
        except KeyError as error:
            logging.getLogger("bot.telegram.handlers").error("Handling failed", exc_info=error)
    finally:
        logging.getLogger().handlers.clear()
    logged = stream.getvalue()
    assert "Handling failed" in logged and "KeyError (message withheld)" in logged
    assert marker not in logged
