"""Telegram HTML: escaped, valid for Telegram, split under 4096 without losing the safety texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering.answer import Answer, Quote
from bot.answering.fixed_texts import load_texts
from bot.render.telegram_html import render_telegram_html, utf16_length
from tests.fake_telegram import parse_telegram_html

TEXTS = load_texts()


def answer_with(quote_texts, **fields) -> Answer:
    quotes = tuple(
        Quote(text, "doc", "A <title> & more", 'Section "x"', "doc.md", 0, len(text), 0.5)
        for text in quote_texts
    )
    return Answer(
        question="q",
        quotes=quotes,
        escalation=TEXTS.escalation,
        disclaimer=TEXTS.disclaimer,
        intro=TEXTS.reply("answer_intro") if quotes else None,
        **fields,
    )


def test_quotes_sit_in_blockquotes_under_their_escaped_title():
    [message] = render_telegram_html(answer_with(["Zinc <b>helps</b> & heals."]))
    assert (
        '<b>A &lt;title&gt; &amp; more</b> · <i>Section "x"</i>\n<blockquote>Zinc &lt;b&gt;helps&lt;/b&gt; &amp; heals.</blockquote>'
        in message
    )
    assert parse_telegram_html(message)


def test_a_long_answer_is_split_between_blocks_and_ends_with_the_safety_texts():
    sentence = (
        "Persistent low-grade inflammation sensitizes joint nerves and accelerates tissue wear. "
    )
    quotes = [sentence * 30, "Para one.\n" + sentence * 60, sentence * 5]
    parts = render_telegram_html(answer_with(quotes, urgent_advice=(TEXTS.urgent["emergency"],)))
    assert len(parts) > 2
    for part in parts:
        assert utf16_length(part) <= 4096
        parse_telegram_html(part)  # raises as Telegram would on a broken tag
    assert parse_telegram_html(parts[0]).startswith("⚠️ What you describe")
    assert parse_telegram_html(parts[-1]).endswith(TEXTS.disclaimer)
    assert TEXTS.escalation in parse_telegram_html(parts[-1])
    visible = " ".join(parse_telegram_html(p) for p in parts)
    assert visible.count("Persistent low-grade inflammation") == 95  # nothing lost, nothing doubled


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=3000), min_size=0, max_size=4))
def test_any_quote_text_renders_as_valid_telegram_html(texts):
    texts = [t for t in texts if t.strip()]
    parts = render_telegram_html(answer_with(texts))
    for part in parts:
        assert utf16_length(part) <= 4096
        parse_telegram_html(part)
    assert parse_telegram_html(parts[-1]).endswith(TEXTS.disclaimer)


def test_a_quote_that_is_all_answer_is_bold_only_beside_one_partly_bold():
    """A newcomer's trial: the one-sentence answer was plain while a neighbouring passage's
    sentence was bold, and the bold read as the answer."""
    from bot.render.plain import render_plain

    whole = Quote("It may help.", "doc", "T", None, "doc.md", 0, 12, 0.5, marks=((0, 12),))
    text = "Joint pain is common. Steps may include zinc."
    partly = Quote(text, "doc", "T", None, "doc.md", 20, 20 + len(text), 0.4, marks=((42, 65),))
    alone = Answer(question="q", quotes=(whole,), escalation="e", disclaimer="d")
    assert "<b>It may help.</b>" not in render_telegram_html(alone)[0]
    assert "**It may help.**" not in render_plain(alone)
    both = Answer(question="q", quotes=(whole, partly), escalation="e", disclaimer="d")
    [message] = render_telegram_html(both)
    assert "<b>It may help.</b>" in message and "<b>Steps may include zinc.</b>" in message
    assert "**It may help.**" in render_plain(both)
