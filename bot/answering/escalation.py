"""Which escalation line goes under an answer: the one that fits what was asked (texts.toml,
``[escalation_by_topic]``): a medicine question gets the pharmacist, a joint question the signs of
a joint that needs a doctor, not the other way round."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answering.fixed_texts import EscalationTopic

# Subjects of these kinds (subjects.toml) make a question a medicines question.
MEDICINE_CATEGORIES = frozenset({"medicines", "supplements"})


def choose_escalation(
    message: str, topics: Sequence[EscalationTopic], subject_categories: Sequence[str] = ()
) -> EscalationTopic:
    """The first topic whose words ``message`` uses; the last topic (``general``) otherwise."""
    found = re.findall(r"[a-z]+", message.casefold())
    words, text = set(found), " " + " ".join(found) + " "
    for topic in topics[:-1]:
        if topic.name == "medicines" and MEDICINE_CATEGORIES & set(subject_categories):
            return topic
        if any((f" {word} " in text) if " " in word else word in words for word in topic.words):
            return topic
    return topics[-1]
