"""Uses len(ids) // n_streams as per_stream, forgetting the - 1 that leaves room for the last target, so the targets run past the end of the text."""

MISTAKE = "per_stream without the -1 for the targets"
EXPECT = {"lose": ["stream_batches"]}
CELLS = {
    "stream_batches": """def stream_batches(ids, n_streams, steps):
    per_stream = len(ids) // n_streams
    n_chunks = per_stream // steps
    if n_chunks == 0:
        raise ValueError("the text is too short")
    inputs = ids[:n_streams * per_stream].view(n_streams, per_stream)
    targets = ids[1:n_streams * per_stream + 1].view(n_streams, per_stream)
    inputs = inputs[:, :n_chunks * steps].view(n_streams, n_chunks, steps).transpose(0, 1)
    targets = targets[:, :n_chunks * steps].view(n_streams, n_chunks, steps).transpose(0, 1)
    return inputs, targets
"""
}
