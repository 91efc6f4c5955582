"""Which files are the corpus, and reading one safely: inside ``CORPUS_DIR``, regular, not too big.

Lint, build and the staleness check all read corpus files through :func:`read_source_bytes`, so
they agree on what is an error: a symlink that leads out of the corpus directory (it would quote
whatever it points at, ``/etc/passwd`` included), a hard link (a second name of a file that may
be anywhere on the disk: nothing in the corpus says where the other name is, so it is refused
whatever it points at), something that is not a regular file, a file
over ``CORPUS_MAX_FILE_BYTES`` (checked before reading, so a stray 200 MB file costs nothing), and
bytes that are not UTF-8.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from bot.errors import CorpusError
from bot.settings import DEFAULT_MAX_FILE_BYTES

SUFFIXES = (".md", ".markdown", ".txt")
# Files a maintainer keeps beside the articles without them being indexed.
IGNORED_NAMES = {"readme.md", "readme.txt"}


def list_corpus_files(corpus_dir: Path) -> list[Path]:
    """The article files under ``corpus_dir``, sorted; hidden, ``_``-prefixed and README files skipped.

    Symlinks are listed (not followed): :func:`read_source_bytes` decides whether they may be read.
    """
    if not corpus_dir.exists():
        raise CorpusError(
            f"Corpus directory {corpus_dir} does not exist; set CORPUS_DIR or create it."
        )
    if not corpus_dir.is_dir():
        raise CorpusError(f"Corpus directory {corpus_dir} is not a directory; set CORPUS_DIR.")
    try:
        paths = [
            path
            for path in corpus_dir.rglob("*")
            if path.suffix.lower() in SUFFIXES
            and path.name.lower() not in IGNORED_NAMES
            and not any(part.startswith((".", "_")) for part in path.relative_to(corpus_dir).parts)
            and (path.is_file() or path.is_symlink())
        ]
    except OSError as exc:
        raise CorpusError(f"Cannot read corpus directory {corpus_dir}: {exc.strerror}.") from exc
    return sorted(paths, key=lambda p: p.relative_to(corpus_dir).as_posix())


def relative_source_path(path: Path, corpus_dir: Path) -> str:
    return path.relative_to(corpus_dir).as_posix()


def read_source_bytes(
    path: Path, corpus_dir: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> bytes:
    """The bytes of one corpus file, or a :class:`CorpusError` naming it and the fix."""
    source_path = relative_source_path(path, corpus_dir)
    real = path.resolve()
    if not real.is_relative_to(corpus_dir.resolve()):
        raise CorpusError(
            "is a symlink to a file outside the corpus directory; copy the article into "
            "CORPUS_DIR instead of linking to it.",
            path=source_path,
        )
    try:
        facts = os.stat(real)
    except FileNotFoundError as exc:
        raise CorpusError(
            "the file vanished while it was being read; run the command again.", path=source_path
        ) from exc
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}.", path=source_path) from exc
    if not stat.S_ISREG(facts.st_mode):
        raise CorpusError("is not a regular file; remove it from the corpus.", path=source_path)
    _refuse_hard_link(facts, source_path)
    if facts.st_size > max_bytes:
        raise CorpusError(too_big(facts.st_size, max_bytes), path=source_path)
    try:
        with open(real, "rb") as handle:
            _refuse_hard_link(os.fstat(handle.fileno()), source_path)  # linked since the stat?
            data = handle.read(max_bytes + 1)  # it may have grown since the stat
    except FileNotFoundError as exc:
        raise CorpusError(
            "the file vanished while it was being read; run the command again.", path=source_path
        ) from exc
    except OSError as exc:
        raise CorpusError(f"cannot read the file: {exc.strerror}.", path=source_path) from exc
    if len(data) > max_bytes:
        raise CorpusError(too_big(len(data), max_bytes), path=source_path)
    return data


def _refuse_hard_link(facts: os.stat_result, source_path: str) -> None:
    if facts.st_nlink > 1:
        raise CorpusError(
            f"is a hard link ({facts.st_nlink} names for one file), and a hard link can point at "
            "any file on the disk; copy the article into CORPUS_DIR instead of linking to it.",
            path=source_path,
        )


def too_big(size: int, max_bytes: int) -> str:
    return (
        f"{size:,} bytes, over the limit of {max_bytes:,} (CORPUS_MAX_FILE_BYTES); split the "
        "article or raise the limit."
    )


def read_source_text(path: Path) -> str:
    """The exact text offsets refer to: UTF-8, newlines untranslated."""
    return decode_source(path.read_bytes(), path)


def decode_source(data: bytes, path: Path | str) -> str:
    """Decode a corpus file's bytes, or raise :class:`CorpusError` naming the first bad byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CorpusError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}); save the file as UTF-8.",
            path=str(path),
            line=line,
        ) from exc
