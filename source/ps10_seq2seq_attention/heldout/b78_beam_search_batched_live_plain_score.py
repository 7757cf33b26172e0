"""Ranks the finished ones per token but fills with the live ones ranked by plain score. Written as a
mistake; its author found it right: the live ones returned all have max_len tokens, so both rankings
agree (relabelled by the lead, the answer unchanged)."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "beam_search_batched": '''def beam_search_batched(step, start_state, k, max_len, bos, eos):
    """Up to k hypotheses [(tokens, score)], ranked by score / len(tokens); one call of step per step."""
    live = [([], 0.0)]
    states = start_state
    finished = []
    for _ in range(max_len):
        inputs = torch.tensor([toks[-1] if toks else bos for toks, _ in live], dtype=torch.int64)
        logp, new_states = step(inputs, states)
        rows = logp.tolist()
        candidates = []
        for j, (toks, score) in enumerate(live):
            for v, lp in enumerate(rows[j]):
                candidates.append((score + lp, toks + [v], j))
        candidates.sort(key=lambda c: (-c[0], c[1]))
        kept_live, parents = [], []
        for score, toks, j in candidates[:k]:
            if toks[-1] == eos:
                finished.append((toks, score))
            else:
                kept_live.append((toks, score))
                parents.append(j)
        live = kept_live
        if len(finished) >= k or not live:
            break
        states = new_states[torch.tensor(parents, dtype=torch.int64)]

    def rank(h):
        return (-h[1] / max(len(h[0]), 1), h[0])

    result = sorted(finished, key=rank)[:k]
    if len(result) < k:
        result += sorted(live, key=lambda h: (-h[1], h[0]))[: k - len(result)]
    return result
'''
}
