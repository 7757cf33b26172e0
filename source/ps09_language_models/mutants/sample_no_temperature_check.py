"""Exercise 3, wrong: no ValueError for a temperature of 0 or less; the division then gives
infinities or flips the distribution."""

EXPECT = {"lose": ["sample_tokens"]}
EDITS = {
    "sample_tokens": [
        ('    if temperature <= 0:\n        raise ValueError(f"temperature must be positive, not {temperature}")\n', "")
    ]
}
