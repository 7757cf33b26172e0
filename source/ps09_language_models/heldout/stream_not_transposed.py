"""Returns the tensors in (n_streams, n_chunks, steps) layout, forgetting to swap the first two dimensions so that inputs[j] is chunk j of every stream."""

MISTAKE = "chunk and stream dimensions not swapped"
EXPECT = {"lose": ["stream_batches"]}
CELLS = {
    "stream_batches": """def stream_batches(ids, n_streams, steps):
    per_stream = (len(ids) - 1) // n_streams
    n_chunks = per_stream // steps
    if n_chunks == 0:
        raise ValueError("text is too short for even one chunk")
    usable = n_streams * per_stream
    x = ids[:usable].reshape(n_streams, per_stream)[:, :n_chunks * steps]
    y = ids[1:usable + 1].reshape(n_streams, per_stream)[:, :n_chunks * steps]
    return x.reshape(n_streams, n_chunks, steps), y.reshape(n_streams, n_chunks, steps)
"""
}
