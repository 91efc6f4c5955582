"""A heartbeat file the running bot refreshes, and the check `quotebot health` makes of it.

The container's HEALTHCHECK runs `quotebot health`: it fails when the heartbeat is missing (the bot
never started serving, or stopped) or older than ``max_age`` seconds (the bot hangs). The heartbeat
lives in DATA_DIR; when that folder cannot be written (read-only, full), in the system's temporary
folder under a name drawn from DATA_DIR's path, so that a bot serving without a usable data folder
is still seen as serving. It also says whether the index being served is stale (the corpus changed
since it was built): the bot still answers from it, so that is reported, not a failure (a restart
would not fix it; a build does).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

HEARTBEAT_FILE = "heartbeat.json"
INDEX_STATE_FILE = "index-state.json"
HEARTBEAT_INTERVAL = 15.0
MAX_AGE = 60.0


def heartbeat_paths(data_dir: Path) -> tuple[Path, Path]:
    """Where the heartbeat is: DATA_DIR, else the temporary folder (for a data folder that cannot
    be written)."""
    tag = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return data_dir / HEARTBEAT_FILE, Path(
        tempfile.gettempdir()
    ) / f"quotebot-{tag}.{HEARTBEAT_FILE}"


def write_heartbeat(
    data_dir: Path, mode: str, clock=time.time, *, waiting: int = 0, durable: bool = True
) -> None:
    """Record that the bot is serving now, with how many questions wait in its inbox and whether
    the inbox is on disk; written to a temporary file and renamed, never half-read."""
    beat = {"time": clock(), "mode": mode, "pid": os.getpid(), "waiting": waiting}
    text = json.dumps(beat | {"inbox_durable": durable})
    primary, fallback = heartbeat_paths(data_dir)
    try:
        _write(primary, text)
    except OSError:
        _write(fallback, text)  # raises if neither can be written: the caller warns


def _write(path: Path, text: str) -> None:
    """Written to a temporary file and renamed: a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.{os.getpid()}")
    staged.write_text(text)
    os.replace(staged, path)


def clear_heartbeat(data_dir: Path) -> None:
    # A data folder that cannot be used must not break the stop: there is then no heartbeat anyway.
    for path in heartbeat_paths(data_dir):
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


def write_index_state(data_dir: Path, state: str, detail: str) -> None:
    """Record the served index's state ("ok" or "stale") and, when stale, the files and the fix."""
    _write(data_dir / INDEX_STATE_FILE, json.dumps({"state": state, "detail": detail}))


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
    path, fallback = heartbeat_paths(data_dir)
    if not path.exists() and fallback.exists():
        path = fallback
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
    return True, line + index_state_line(data_dir) + "."
