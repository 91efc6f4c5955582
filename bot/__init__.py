"""quotebot: answers health questions by quoting a curated corpus."""
