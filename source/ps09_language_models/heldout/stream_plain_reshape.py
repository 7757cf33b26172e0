"""Reshapes the (n_streams, n_chunks * steps) matrix straight to (n_chunks, n_streams, steps) instead of going through (n_streams, n_chunks, steps) and swapping, which mixes the streams up."""

MISTAKE = "plain reshape mixes streams and chunks"
EXPECT = {"lose": ["stream_batches"]}
CELLS = {
    "stream_batches": """def stream_batches(ids, n_streams, steps):
    per_stream = (len(ids) - 1) // n_streams
    n_chunks = per_stream // steps
    if n_chunks == 0:
        raise ValueError("text too short")
    x = ids[:n_streams * per_stream].view(n_streams, per_stream)[:, :n_chunks * steps]
    y = ids[1:n_streams * per_stream + 1].view(n_streams, per_stream)[:, :n_chunks * steps]
    return x.reshape(n_chunks, n_streams, steps), y.reshape(n_chunks, n_streams, steps)
"""
}
