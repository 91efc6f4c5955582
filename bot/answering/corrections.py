"""A correction of the question just asked: "sorry I meant knees not hips".

Such a message asks the previous question again with one thing put in place of another. Read on
its own it asks nothing ("knees not hips" finds general passages about joints); read as a plain
follow-up it keeps the thing it takes back. :func:`corrected` gives the question it means: the
previous one with the thing replaced, or, when it does not say what it replaces (or that is not
in the previous question), "what about knees?" to read with the previous question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# What a correction may open with ("sorry", "oops", "typo:").
_OPENER = r"(?:(?:sorry|oops|whoops|oh|ah|no|wait|correction|typo|my bad)\b[\s,.:!-]*)"
# A thing named (a few words, no clause: "my left knee", "rheumatoid arthritis").
_THING = r"(?:the\s+|my\s+|a\s+|an\s+)?(?P<{}>[\w'’-]+(?:\s+[\w'’-]+){{0,2}}?)"
_NEW = _THING.format("new")
_OLD = _THING.format("old")
_END = r"\s*[.!?*]*\s*$"
_FORMS = [
    # "sorry I meant knees not hips", "I meant to say knees", "oops, meant knees"
    rf"^{_OPENER}*(?:i\s+)?meant(?:\s+to\s+(?:say|write|type|ask))?\s+{_NEW}"
    rf"(?:\s*,?\s*(?:not|instead\s+of|rather\s+than)\s+{_OLD})?{_END}",
    # "sorry, I mean knees not hips" (a bare "I mean" is often only a filler: it needs the "not")
    rf"^{_OPENER}*i\s+mean\s+{_NEW}\s*,?\s*(?:not|instead\s+of|rather\s+than)\s+{_OLD}{_END}",
    # "sorry, knees not hips", "*knees not hips"
    rf"^(?:{_OPENER}+|\*\s*){_NEW}\s*,?\s*(?:not|instead\s+of|rather\s+than)\s+{_OLD}{_END}",
    # "not hips, knees", "sorry not hips but knees", "not hips - I meant knees"
    rf"^{_OPENER}*not\s+{_OLD}\s*(?:,|-|—|but)\s*(?:but\s+)?(?:i\s+meant\s+)?{_NEW}{_END}",
    # "knees not hips" alone: a correction only if the previous question spoke of hips
    rf"^{_NEW}\s*,?\s*not\s+{_OLD}{_END}",
]
_BARE = len(_FORMS) - 1
_FORMS_RE = [re.compile(form, re.IGNORECASE) for form in _FORMS]
# Words that begin a clause, not a thing ("I meant it as a joke", "I meant what I said").
_NOT_A_THING = frozenset(
    {"it", "it's", "that", "this", "what", "i", "you", "we", "they", "he", "she", "to", "like",
     "well", "yes", "no", "nothing", "everything", "so", "just", "more", "less", "every", "each",
     "both", "all", "any", "in", "at", "for", "as", "with", "when", "if", "because"}
)  # fmt: skip


@dataclass(frozen=True)
class Correction:
    """What a correction puts in place (``new``) of what (``old``, if it says)."""

    new: str
    old: str | None
    # Said without "sorry", "I meant": only a correction of a question that named ``old``.
    bare: bool = False


def correction(message: str) -> Correction | None:
    """The correction ``message`` makes, if it only corrects ("sorry I meant knees not hips")."""
    text = message.strip()
    for number, form in enumerate(_FORMS_RE):
        match = form.match(text)
        if match is None:
            continue
        new, old = match.group("new"), match.groupdict().get("old")
        if new.split()[0].casefold() in _NOT_A_THING:
            return None
        if old is not None and old.split()[0].casefold() in _NOT_A_THING:
            return None
        return Correction(new, old, bare=number == _BARE)
    return None


def corrected(previous: str, fix: Correction) -> str | None:
    """``previous`` with ``fix.old`` replaced by ``fix.new`` (singular or plural alike: "knees"
    replaces "knee pain"'s "knee"); None when ``fix`` names nothing ``previous`` says."""
    if fix.old is None:
        return None
    said = fix.old.strip()
    stems = {said} | {said[: -len(end)] for end in ("s", "es") if said.casefold().endswith(end)}
    alternatives = "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
    pattern = re.compile(rf"\b(?:{alternatives})(?:s|es)?\b", re.IGNORECASE)
    match = pattern.search(previous)
    if match is None:
        return None
    new = fix.new.strip()
    plural_said = said.casefold().endswith("s") and not match.group(0).casefold().endswith("s")
    if plural_said and re.search(r"[^s]s$", new):
        new = new[:-1]  # "knee pain" -> "hip pain", not "hips pain"
    return previous[: match.start()] + new + previous[match.end() :]
