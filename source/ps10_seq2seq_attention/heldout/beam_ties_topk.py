"""Takes each hypothesis's k best tokens with torch.topk and sorts the candidates by score only, so equal scores are ordered as topk happens to return them, not by the lower token index."""

MISTAKE = "ties not broken by token index"
EXPECT = {"lose": ["beam_search"]}
CELLS = {
    "beam_search": """def beam_search(step, start_state, k, max_len, bos, eos):
    beams = [([], 0.0, start_state)]
    done = []
    for _ in range(max_len):
        cands = []
        for toks, sc, st in beams:
            logp, new_st = step(toks[-1] if toks else bos, st)
            top = torch.topk(logp, min(k, logp.numel()))
            for lp, idx in zip(top.values.tolist(), top.indices.tolist()):
                cands.append((toks + [idx], sc + lp, new_st))
        cands.sort(key=lambda e: -e[1])
        beams = []
        for toks, sc, st in cands[:k]:
            if toks[-1] == eos:
                done.append((toks, sc))
            else:
                beams.append((toks, sc, st))
        if len(done) >= k or not beams:
            break
    result = done[:]
    if len(result) < k:
        result += [(t, s) for t, s, _ in beams[:k - len(result)]]
    result.sort(key=lambda e: (-e[1] / len(e[0]), e[0]))
    return result[:k]
"""
}
