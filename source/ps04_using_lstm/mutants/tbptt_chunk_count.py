"""Exercise 2: Tensor.chunk(chunk_len) used where split(chunk_len) is meant: it cuts time into
chunk_len chunks instead of chunks of chunk_len steps."""

EXPECT = {"lose": ["train_tbptt"]}
EDITS = {
    "train_tbptt": [
        (
            "chunks = zip(x.split(chunk_len, dim=time_dim), y.split(chunk_len, dim=time_dim))",
            "chunks = zip(x.chunk(chunk_len, dim=time_dim), y.chunk(chunk_len, dim=time_dim))",
        )
    ]
}
