"""Helpers of the import tests."""


def lines(*typed):
    """Notes as typed: one line each, ending in a line break."""
    return "\n".join(typed) + "\n"
