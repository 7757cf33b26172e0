"""Exercise 2, off by one: only the T // chunk_len whole chunks are trained on; the last, shorter
chunk is dropped."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {
    "train_tbptt": [
        (
            "    for k, (x_chunk, y_chunk) in enumerate(chunks):\n",
            "    for k, (x_chunk, y_chunk) in enumerate(chunks):\n"
            "        if x_chunk.shape[time_dim] < chunk_len:\n"
            "            break\n",
        )
    ]
}
