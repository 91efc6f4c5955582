"""Fuzzed messages through the real pipeline: it never raises, every Telegram part is valid HTML
within 4096 UTF-16 units, and every answer carries escalation advice and the disclaimer."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.render.telegram_html import render_telegram_html, utf16_length
from tests.conftest import assert_verbatim
from tests.fake_telegram import parse_telegram_html

pytestmark = pytest.mark.model

SPECIAL = st.sampled_from(
    [
        "\u202eleaky gut\u202c", "\u200b\u200c\u200d", "جوڑوں کا درد", "e\u0301\u0301\u0301" * 50,
        "<script>alert(1)</script>", "<b>joint</b> &amp; pain", "**gut** _health_ `zinc`", "\x00\x07\x1b[2J",
        "🙂" * 500, "leaky gut " * 1200, "\ud800 lone surrogate", "a" * 10_000, "&", "<", ">",
    ]
)  # fmt: skip
MESSAGES = st.one_of(
    SPECIAL,
    st.text(max_size=400),
    st.text(alphabet=st.characters(categories=["Cs", "Cc", "Cf", "Mn", "So", "Lo"]), max_size=200),
    st.lists(
        st.sampled_from(["gut", "joint", "pain", "zinc", "<i>", "&", "\u200f", "fever"]),
        max_size=30,
    ).map(" ".join),
)


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(message=MESSAGES)
def test_any_message_gets_a_safe_complete_reply(real_pipeline, message):
    answer = real_pipeline.answer(message)
    assert answer.escalation and answer.disclaimer
    for quote in answer.quotes:
        assert_verbatim(quote)
    parts = render_telegram_html(answer)
    for part in parts:
        assert 0 < utf16_length(part) <= 4096
        parse_telegram_html(part)
    last = parse_telegram_html(parts[-1])
    assert answer.escalation in last and answer.disclaimer in last
    assert last.endswith(answer.escalation_full)
