"""A screen over all of a lexicon's patterns at once: which of them could match a sentence.

Python's regular expressions try each alternative of each flag at each position, one flag after
another; a lexicon of twenty-odd flags costs half a millisecond per question that way, more than
the rest of triage. RE2 (``google-re2``) reads a sentence once, in linear time, for every pattern
together, and says which could match. Only those are then searched with Python's ``re``, whose
verdict (and the guards after it) is the one that counts.

The screen must never miss: each pattern is widened into one RE2 reads (lookarounds dropped, ``\\w``
and ``\\d`` made Unicode-wide), which matches wherever the original does and sometimes more. Word
boundaries are kept for text in ASCII (where RE2's ``\\b`` is Python's) and dropped for other text
(where RE2's, ASCII-only, is not). A pattern RE2 cannot read, or a machine without ``google-re2``, is simply
not screened: always searched, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

# What Python's Unicode classes match, as RE2 spells it (RE2's own \w and \d are ASCII only).
_CLASSES_IN_SET = {"w": r"\p{L}\p{N}\p{M}_", "d": r"\p{Nd}"}
_CLASSES = {
    "w": r"[\p{L}\p{N}\p{M}_]",
    "W": r"[^\p{L}\p{N}\p{M}_]",
    "d": r"\p{Nd}",
    "D": r"\P{Nd}",
}


class Screen:
    """Patterns (by position) that could match a text; None marks one that is never screened."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.size = len(patterns)
        self._sets = None
        self._always: frozenset[int] = frozenset(range(self.size))
        try:
            import re2
        except ImportError:
            return
        sets = {ascii_text: re2.Set.SearchSet() for ascii_text in (True, False)}
        positions: list[int] = []
        always = set()
        for position, pattern in enumerate(patterns):
            try:
                widened = {ascii_text: widen(pattern, ascii_text) for ascii_text in sets}
                for ascii_text, screen in sets.items():
                    # A pattern RE2 refuses is searched every time instead.
                    re2.compile(widened[ascii_text])
                    screen.Add(widened[ascii_text])
            except (re2.error, ValueError):
                always.add(position)
                continue
            positions.append(position)
        try:
            for screen in sets.values():
                screen.Compile()
        except re2.error:
            return
        self._sets, self._positions, self._always = sets, positions, frozenset(always)

    def candidates(self, text: str) -> frozenset[int]:
        """The positions of the patterns that may match ``text`` (every one, unscreened)."""
        if self._sets is None:
            return self._always
        found = self._sets[text.isascii()].Match(text)
        if not found:
            return self._always
        return self._always | {self._positions[i] for i in found}


def widen(pattern: str, ascii_text: bool = False) -> str:
    """``pattern`` as RE2 reads it, matching wherever Python's ``re`` matches it (and maybe more):
    lookarounds removed, ``\\w``/``\\d`` Unicode-wide, and word boundaries removed unless the
    text is ASCII (``ascii_text``). ValueError when the pattern holds something this does not know
    how to widen."""
    out: list[str] = []
    i, in_set = 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            if i + 1 >= len(pattern):
                raise ValueError("a trailing backslash")
            code = pattern[i + 1]
            if code in "bB" and not in_set:
                if ascii_text:  # RE2's boundary is Python's on ASCII text
                    out.append(pattern[i : i + 2])
                # elsewhere a word boundary only narrows a match: dropped
            elif code in _CLASSES:
                if in_set and code not in _CLASSES_IN_SET:
                    raise ValueError(f"\\{code} inside a set")
                out.append(_CLASSES_IN_SET[code] if in_set else _CLASSES[code])
            elif code.isdigit() and not in_set:
                raise ValueError("a back reference")
            else:
                out.append(pattern[i : i + 2])
            i += 2
            continue
        if in_set:
            out.append(char)
            if char == "]":
                in_set = False
            i += 1
            continue
        if char == "[":
            in_set = True
            out.append(char)
            i += 1
            if i < len(pattern) and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < len(pattern) and pattern[i] == "]":  # a literal ] first in a set
                out.append("\\]")
                i += 1
            continue
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            i = _group_end(pattern, i)  # a lookaround only narrows a match: drop it
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _group_end(pattern: str, start: int) -> int:
    """The position just after the group opening at ``start``."""
    depth, i, in_set = 0, start, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_set:
            in_set = char != "]"
        elif char == "[":
            in_set = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ValueError("an unclosed group")
