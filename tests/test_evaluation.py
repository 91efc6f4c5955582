"""The floors the labelled set must hold (bot/data/eval/labelled.toml), measured through the pipeline."""

from __future__ import annotations

import pytest

from bot.evaluate import LABELLED_SET as LABELLED
from bot.evaluate import evaluate, load_labelled_set

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def report(real_pipeline):
    return evaluate(real_pipeline, load_labelled_set(LABELLED))


def test_the_labelled_set_is_as_large_as_promised():
    labelled = load_labelled_set(LABELLED)
    assert len(labelled.answerable) >= 40 and len(labelled.out_of_scope) >= 12
    assert len(labelled.urgent) >= 15 and len(labelled.non_urgent) >= 10


def test_retrieval_floors(report):
    assert report["recall_at_3"] >= 0.9, report["misses"]
    assert report["out_of_scope_refusal"] >= 0.9, report["misses"]


def test_triage_floors(report):
    assert report["red_flag_recall"] == 1.0, report["misses"]["urgent_missed"]
    assert report["false_alarm_rate"] <= 0.10, report["misses"]["false_alarms"]
