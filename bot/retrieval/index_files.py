"""The files of one index generation: inside ``INDEX_DIR``, and hashing to what the manifest says.

A manifest names its files by paths relative to ``INDEX_DIR``; one that leads out of it (``../``,
an absolute path, a symlink on the way) is refused, so a tampered manifest cannot make quotebot
load, and quote, whatever file it names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from bot.retrieval.manifest import IndexFile, Manifest


def file_facts(path: Path, relative_path: str) -> IndexFile:
    """What the manifest records of one index file: where it is, its sha256 and size."""
    return IndexFile(relative_path, file_sha256(path), path.stat().st_size)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def files_intact(manifest: Manifest, index_dir: Path, names: Iterable[str]) -> str | None:
    """None when every index file is present with the recorded size and sha256, else what is wrong."""
    for name in names:
        facts = manifest.files.get(name)
        if not facts:
            return f"the manifest does not list {name}"
        if not inside(index_dir, facts.path):
            return f"the manifest lists {facts.path!r}, outside the index directory"
        path = index_dir / facts.path
        if not path.is_file():
            return f"{facts.path} is missing"
        if path.stat().st_size != facts.bytes:
            return f"{facts.path} has {path.stat().st_size} bytes, the manifest says {facts.bytes}"
        if file_sha256(path) != facts.sha256:
            return f"{facts.path} has changed since the build"
    return None


def inside(index_dir: Path, relative: str) -> bool:
    """Whether ``relative`` names a file inside ``index_dir``: no absolute path, no ``..``, and
    no symlink on the way that leads out."""
    candidate = Path(relative)
    if candidate.is_absolute() or ".." in candidate.parts or not candidate.parts:
        return False
    root = index_dir.resolve()
    return (root / candidate).resolve().is_relative_to(root)
