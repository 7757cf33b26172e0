"""A correct answer: (n_streams, per_stream) matrices of inputs and shifted targets, cut to whole chunks, reshaped to (n_streams, n_chunks, steps) and transposed."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "stream_batches": '''def stream_batches(ids, n_streams, steps):
    """(inputs, targets), each (n_chunks, n_streams, steps), from one stream of ids."""
    per_stream = (len(ids) - 1) // n_streams
    n_chunks = per_stream // steps
    if n_chunks == 0:
        raise ValueError("the text is too short for this many streams and steps")
    inputs = ids[:n_streams * per_stream].view(n_streams, per_stream)
    targets = ids[1:n_streams * per_stream + 1].view(n_streams, per_stream)
    def chunks(m):
        return m[:, :n_chunks * steps].reshape(n_streams, n_chunks, steps).transpose(0, 1).contiguous()
    return chunks(inputs), chunks(targets)
'''
}
