"""Whether the corpus directory still is what the index was built from, and if not, which files
differ: the index is then *stale*. It keeps serving until a rebuild, but only what the corpus still
says: a passage of an edited file is quoted only where the file still has its text at its offsets,
and nothing of a removed or unreadable file is (:meth:`CorpusSnapshot.as_corpus_now`).

File names appear in logs and in `quotebot health`; their text never does.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import CorpusError
from bot.ingest.corpus_files import list_corpus_files, read_source_bytes, relative_source_path
from bot.settings import DEFAULT_MAX_FILE_BYTES

SHOWN_PER_KIND = 3


@dataclass(frozen=True)
class CorpusChanges:
    """Corpus files added, removed, edited or unreadable since the build (empty: up to date)."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    edited: tuple[str, ...] = ()
    unreadable: tuple[
        str, ...
    ] = ()  # files the build would refuse (not UTF-8, too big, a symlink out, a hard link)
    problem: str = ""  # the corpus directory itself cannot be listed
    # The text of each edited file as it is now (what its passages are checked against).
    current: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.edited or self.unreadable or self.problem)

    @property
    def files(self) -> tuple[str, ...]:
        return self.added + self.removed + self.edited + self.unreadable

    def __str__(self) -> str:
        """Short: "added: new.md; edited: a.md, b.md and 2 more"."""
        parts = [self.problem.rstrip(".")] if self.problem else []
        for label, names in (
            ("added", self.added),
            ("removed", self.removed),
            ("edited", self.edited),
            ("unreadable", self.unreadable),
        ):
            if names:
                shown = ", ".join(names[:SHOWN_PER_KIND])
                more = len(names) - SHOWN_PER_KIND
                parts.append(f"{label}: {shown}" + (f" and {more} more" if more > 0 else ""))
        return "; ".join(parts)


def corpus_changes(
    corpus_files: Mapping[str, str],
    corpus_dir: Path,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> CorpusChanges:
    """How ``corpus_dir`` differs from ``corpus_files`` (source path -> sha256 of the indexed file).

    A file is read as the build reads it: one the build would refuse is *unreadable*.
    """
    try:
        paths = list_corpus_files(corpus_dir)
    except CorpusError as exc:
        return CorpusChanges(problem=str(exc))
    now: dict[str, str] = {}
    texts: dict[str, str] = {}
    unreadable = []
    for path in paths:
        source_path = relative_source_path(path, corpus_dir)
        try:
            data = read_source_bytes(path, corpus_dir, max_file_bytes)
            text = data.decode("utf-8")
        except (CorpusError, UnicodeDecodeError):
            unreadable.append(source_path)
            continue
        now[source_path] = hashlib.sha256(data).hexdigest()
        if corpus_files.get(source_path, now[source_path]) != now[source_path]:
            texts[source_path] = text
    gone = set(corpus_files) - set(now) - set(unreadable)
    edited = tuple(sorted(n for n in set(now) & set(corpus_files) if now[n] != corpus_files[n]))
    return CorpusChanges(
        added=tuple(sorted(set(now) - set(corpus_files))),
        removed=tuple(sorted(gone)),
        edited=edited,
        unreadable=tuple(unreadable),
        current={name: texts[name] for name in edited},
    )


def corpus_signature(corpus_dir: Path) -> tuple:
    """Each corpus file's path, size and modification time: when it is unchanged, so are the
    files (a stat each, so the running bot can look every few seconds)."""
    try:
        paths = list_corpus_files(corpus_dir)
    except CorpusError as exc:
        return (str(exc),)
    signature = []
    for path in paths:
        try:
            facts = path.stat()
        except OSError:
            signature.append((str(path), None))
            continue
        signature.append((str(path), facts.st_size, facts.st_mtime_ns, facts.st_ino))
    return tuple(signature)
