"""A notebook file cut short: not valid JSON. Rejected with the reason; nothing else changes."""

EXPECT = {"status": "rejected", "reason": "not valid JSON"}


def raw(text):
    return text[: len(text) // 2]
