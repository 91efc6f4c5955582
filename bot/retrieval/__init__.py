"""The passage index (built offline, loaded to serve) and hybrid dense + lexical retrieval."""
