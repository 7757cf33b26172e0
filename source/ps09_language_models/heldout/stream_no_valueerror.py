"""Never raises the ValueError for a text too short for one chunk: it returns empty tensors instead."""

MISTAKE = "missing ValueError when n_chunks is 0"
EXPECT = {"lose": ["stream_batches"]}
CELLS = {
    "stream_batches": """def stream_batches(ids, n_streams, steps):
    per = (len(ids) - 1) // n_streams
    n_chunks = per // steps
    inp, tgt = [], []
    for j in range(n_chunks):
        rows_in, rows_tg = [], []
        for k in range(n_streams):
            start = k * per + j * steps
            rows_in.append(ids[start:start + steps])
            rows_tg.append(ids[start + 1:start + steps + 1])
        inp.append(torch.stack(rows_in))
        tgt.append(torch.stack(rows_tg))
    if not inp:
        return ids.new_zeros(0, n_streams, steps), ids.new_zeros(0, n_streams, steps)
    return torch.stack(inp), torch.stack(tgt)
"""
}
