"""`make bench`: quotebot's performance, each figure beside its limit measured in the same run.

    python -m bench                 # everything but the 1M-passage scale point
    python -m bench --only latency concurrency
    python -m bench --scale 10000 100000 1000000

Prints a table and writes bench/results/<date>.json. These machines are noisy: read the ratios.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import suites  # noqa: E402

SUITES = {
    "backends": suites.backends,
    "latency": suites.latency,
    "triage": suites.triage,
    "concurrency": suites.concurrency,
    "build": suites.index_build,
    "telegram": suites.telegram,
    "inbox": suites.inbox,
    "crash": suites.crash,
    "memory": suites.memory,
    "cold_start": suites.cold_start,
    "scale": suites.scale,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", nargs="*", choices=sorted(SUITES), help="run only these")
    parser.add_argument(
        "--scale", nargs="*", type=int, default=[10_000, 100_000], help="passage counts"
    )
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    results = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    for name in args.only or SUITES:
        print(f"\n== {name}", flush=True)
        figures = SUITES[name](scale=args.scale) if name == "scale" else SUITES[name]()
        results[name] = figures
        for key, value in figures.items():
            print(f"  {key:<44} {value}")
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    path.write_text(json.dumps(results, indent=2))
    print(f"\nwrote {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
