"""Safety: what language a message is in, and whether it describes an emergency."""
