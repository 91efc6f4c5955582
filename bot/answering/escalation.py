"""Which escalation line goes under an answer: the one that fits what was asked (texts.toml,
``[escalation_by_topic]``): a medicine question gets the pharmacist, a joint question the signs of
a joint that needs a doctor, not the other way round."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

from bot.answering.fixed_texts import EscalationTopic

# Subjects of these kinds (subjects.toml) make a question a medicines question.
MEDICINE_CATEGORIES = frozenset({"medicines", "supplements"})


def choose_escalation(
    message: str, topics: Sequence[EscalationTopic], subject_categories: Sequence[str] = ()
) -> EscalationTopic:
    """The first topic whose warning signs ``message`` tells ("he has lost weight without
    trying"); else the first whose words it uses; the last topic (``general``) otherwise."""
    found = re.findall(r"[a-z]+", message.casefold())
    words, text = set(found), " " + " ".join(found) + " "

    def uses(terms: tuple[str, ...]) -> bool:
        single, phrases = _split(terms)
        return not words.isdisjoint(single) or any(phrase in text for phrase in phrases)

    for topic in topics[:-1]:
        if uses(topic.signs):
            return topic
    for topic in topics[:-1]:
        if topic.name == "medicines" and MEDICINE_CATEGORIES & set(subject_categories):
            return topic
        if uses(topic.words):
            return topic
    return topics[-1]


@functools.cache  # a topic's terms (texts.toml), split once
def _split(terms: tuple[str, ...]) -> tuple[frozenset[str], tuple[str, ...]]:
    """A topic's single words, looked up among the message's, and its phrases, spaced to be
    found in the message's words laid end to end."""
    return (
        frozenset(term for term in terms if " " not in term),
        tuple(f" {term} " for term in terms if " " in term),
    )
