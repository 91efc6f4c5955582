"""The floors the dev part of the labelled sets must hold, measured through the whole pipeline.

Floors are held on the dev part only; the held-out part is measured by `quotebot eval`, never
tuned on, and never a test's floor.
"""

from __future__ import annotations

import pytest

from bot.answering.conversation import Conversation
from bot.evaluation.measure import measure_part
from bot.evaluation.sets import EVAL_DIR, dev_part, load_part

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def report(real_pipeline):
    return measure_part(real_pipeline, dev_part(), new_conversation=Conversation)


def test_the_sets_are_as_large_as_promised():
    dev, heldout = dev_part(), load_part(EVAL_DIR / "heldout")
    for part in (dev, heldout):
        assert len(part.answered) >= 40 and len(part.out_of_scope) >= 12
        assert len(part.urgent) >= 15 and len(part.calm) >= 10
    assert heldout.unmentioned and heldout.conversations


def test_retrieval_floors(report):
    assert report["paraphrase"]["recall_at_3"] >= 0.9, report["misses"]
    assert report["out_of_scope"]["refusal"] >= 0.9, report["misses"]


def test_triage_floors(report):
    triage = report["triage"]
    assert triage["urgent_recall"] == 1.0, report["misses"]["urgent_missed"]
    assert triage["false_alarm_rate"] <= 0.10, report["misses"].get("false_alarms")


def test_subjects_the_articles_never_mention_are_named_not_answered(report):
    assert report["unmentioned"]["named"] >= 0.9, report["misses"].get("unmentioned")
    assert report["unmentioned"]["quoted_as_answer"] <= 0.1


def test_conversations_go_as_a_person_expects(report):
    conversation = report["conversation"]
    assert conversation["as_expected"] >= 0.85, report["misses"].get("conversation")
    assert conversation["small_talk_as_expected"] >= 0.9
    assert conversation["new_topic_as_expected"] >= 0.9
