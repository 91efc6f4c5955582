"""Offline, first stage: read the corpus files and cut them into quotable passages with offsets."""
