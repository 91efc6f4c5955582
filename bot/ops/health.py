"""A heartbeat file the running bot refreshes, and the check `quotebot health` makes of it.

The container's HEALTHCHECK runs `quotebot health`: it fails when the heartbeat is missing (the bot
never started serving, or stopped) or older than ``max_age`` seconds (the bot hangs).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from pathlib import Path

HEARTBEAT_FILE = "heartbeat.json"
HEARTBEAT_INTERVAL = 15.0
MAX_AGE = 60.0


def write_heartbeat(
    data_dir: Path, mode: str, clock=time.time, *, waiting: int = 0, durable: bool = True
) -> None:
    """Record that the bot is serving now, with how many questions wait in its inbox and whether
    the inbox is on disk; written to a temporary file and renamed, never half-read."""
    data_dir.mkdir(parents=True, exist_ok=True)
    staged = data_dir / f".{HEARTBEAT_FILE}.{os.getpid()}"
    beat = {"time": clock(), "mode": mode, "pid": os.getpid(), "waiting": waiting}
    staged.write_text(json.dumps(beat | {"inbox_durable": durable}))
    os.replace(staged, data_dir / HEARTBEAT_FILE)


def clear_heartbeat(data_dir: Path) -> None:
    # A data folder that cannot be used must not break the stop: there is then no heartbeat anyway.
    with contextlib.suppress(OSError):
        (data_dir / HEARTBEAT_FILE).unlink(missing_ok=True)


def check_heartbeat(data_dir: Path, max_age: float = MAX_AGE, clock=time.time) -> tuple[bool, str]:
    """(healthy, one line saying why)."""
    path = data_dir / HEARTBEAT_FILE
    try:
        beat = json.loads(path.read_text())
        age = clock() - float(beat["time"])
    except FileNotFoundError:
        return False, f"unhealthy: no heartbeat in {path}; the bot is not serving."
    except (OSError, ValueError, KeyError, TypeError):
        return False, f"unhealthy: {path} is unreadable."
    if age > max_age:
        return False, f"unhealthy: last heartbeat {age:.0f} s ago (limit {max_age:.0f} s)."
    line = f"healthy: serving ({beat.get('mode')}), last heartbeat {age:.0f} s ago"
    line += f"; {beat.get('waiting', 0)} questions waiting in the inbox"
    if beat.get("inbox_durable") is False:
        line += " (kept in memory: DATA_DIR cannot hold it, a crash would lose them)"
    return True, line + "."
