"""From a message to a typed Answer: clean it, triage red flags, retrieve, compose with fixed texts."""
