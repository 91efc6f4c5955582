"""A screen over all of a lexicon's patterns at once: which of them could match a sentence.

Python's regular expressions try each alternative of each flag at each position, one flag after
another; a lexicon of twenty-odd flags costs half a millisecond per question that way, more than
the rest of triage. RE2 (``google-re2``) reads a sentence once, in linear time, for every pattern
together, and says which could match. Only those are then searched with Python's ``re``, whose
verdict (and the guards after it) is the one that counts.

The screen must never miss: each pattern is widened into one RE2 reads (lookarounds dropped, ``\\w``
and ``\\d`` made Unicode-wide, counted repeats open: ``.{0,80}`` as ``.*``), which matches wherever the original does and sometimes more. Word
boundaries are kept for text in ASCII (where RE2's ``\\b`` is Python's) and dropped for other text
(where RE2's, ASCII-only, is not). A pattern RE2 cannot read, or a machine without ``google-re2``, is simply
not screened: always searched, as before.
"""

from __future__ import annotations

from collections.abc import Sequence

# RE2's memory budget for one screen, in bytes.
SCREEN_MEMORY = 64 << 20
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
        self._patterns = tuple(patterns)
        # Two screens, each built on first use (a tenth of a second or so): one for ASCII text,
        # with word boundaries, and one for other text, without.
        self._built: dict[bool, tuple[object, list[int], frozenset[int]] | None] = {}

    def candidates(self, text: str) -> frozenset[int]:
        """The positions of the patterns that may match ``text`` (every one, unscreened)."""
        ascii_text = text.isascii()
        built = self._built.get(ascii_text, False)
        if built is False:
            built = self._built[ascii_text] = self._build(ascii_text)
        if built is None:
            return frozenset(range(self.size))
        screen, positions, always = built
        found = screen.Match(text)
        if not found:
            return always
        return always | {positions[i] for i in found}

    def prepare(self, ascii_text: bool = True) -> None:
        """Build the screen for ASCII (or other) text now, not on the first message."""
        self.candidates("" if ascii_text else "\u00e9")

    def _build(self, ascii_text: bool):
        try:
            import re2
        except ImportError:
            return None
        # A lexicon's patterns together outgrow RE2's default 8 MB program budget (the
        # Unicode-wide classes are large); 64 MB is built once per language.
        options = re2.Options()
        options.max_mem = SCREEN_MEMORY
        screen = re2.Set.SearchSet(options)
        positions: list[int] = []
        always = set()
        for position, pattern in enumerate(self._patterns):
            try:
                screen.Add(widen(pattern, ascii_text))  # refused: searched every time instead
            except (re2.error, ValueError):
                always.add(position)
                continue
            positions.append(position)
        try:
            screen.Compile()
        except re2.error:
            return None
        return screen, positions, frozenset(always)


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
        if char == "{":
            close = pattern.find("}", i)
            bounds = pattern[i + 1 : close] if close > i else ""
            low = bounds.split(",")[0]
            if close > i and low.isdigit() and all(p.isdigit() for p in bounds.split(",")[1:] if p):
                # A counted repeat widened to an open one: RE2 spells .{0,80} as 80 states, and a
                # screen with hundreds of them takes most of a second to build.
                out.append("*" if int(low) == 0 else "+")
                i = close + 1
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
