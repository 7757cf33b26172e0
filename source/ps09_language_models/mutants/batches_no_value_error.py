"""Exercise 1, wrong: no ValueError when the text is too short for one chunk; empty tensors come
back instead."""

EXPECT = {"lose": ["stream_batches"]}
EDITS = {
    "stream_batches": [
        (
            '    if n_chunks < 1:\n        raise ValueError(f"{len(ids)} ids are too short for {n_streams} streams of {steps} steps")\n',
            "",
        )
    ]
}
