"""A heartbeat file the running bot refreshes, and the check `quotebot health` makes of it.

The container's HEALTHCHECK runs `quotebot health`: it fails when the heartbeat is missing (the bot
never started serving, or stopped) or older than ``max_age`` seconds (the bot hangs). It also says
whether the index being served is stale (the corpus changed since it was built): the bot still
answers from it, so that is reported, not a failure (a restart would not fix it; a build does).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

HEARTBEAT_FILE = "heartbeat.json"
INDEX_STATE_FILE = "index-state.json"
HEARTBEAT_INTERVAL = 15.0
MAX_AGE = 60.0


def write_heartbeat(data_dir: Path, mode: str, clock=time.time) -> None:
    """Record that the bot is serving now; written to a temporary file and renamed, never half-read."""
    data_dir.mkdir(parents=True, exist_ok=True)
    staged = data_dir / f".{HEARTBEAT_FILE}.{os.getpid()}"
    staged.write_text(json.dumps({"time": clock(), "mode": mode, "pid": os.getpid()}))
    os.replace(staged, data_dir / HEARTBEAT_FILE)


def clear_heartbeat(data_dir: Path) -> None:
    (data_dir / HEARTBEAT_FILE).unlink(missing_ok=True)


def write_index_state(data_dir: Path, state: str, detail: str) -> None:
    """Record the served index's state ("ok" or "stale") and, when stale, the files and the fix."""
    data_dir.mkdir(parents=True, exist_ok=True)
    staged = data_dir / f".{INDEX_STATE_FILE}.{os.getpid()}"
    staged.write_text(json.dumps({"state": state, "detail": detail}))
    os.replace(staged, data_dir / INDEX_STATE_FILE)


def index_state_line(data_dir: Path) -> str:
    """'' when the index is up to date or unknown, else "; index stale: <files>; run …"."""
    try:
        recorded = json.loads((data_dir / INDEX_STATE_FILE).read_text())
    except (OSError, ValueError):
        return ""
    if not isinstance(recorded, dict) or recorded.get("state") != "stale":
        return ""
    return f"; index stale: {recorded.get('detail')}"


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
    index = index_state_line(data_dir)
    return True, f"healthy: serving ({beat.get('mode')}), last heartbeat {age:.0f} s ago{index}."
