"""Returns only the finished hypotheses: when fewer than k (or none) finished within max_len, the best live ones are not added."""

MISTAKE = "live hypotheses never returned"
EXPECT = {"lose": ["beam_search"]}
CELLS = {
    "beam_search": '''def beam_search(step, start_state, k, max_len, bos, eos):
    """Up to k hypotheses [(tokens, score)], ranked by score / len(tokens)."""
    live = [([], 0.0, start_state)]
    finished = []
    for _ in range(max_len):
        candidates = []
        for tokens, score, state in live:
            logp, new_state = step(tokens[-1] if tokens else bos, state)
            for v in range(logp.shape[0]):
                candidates.append((tokens + [v], score + logp[v].item(), new_state))
        candidates.sort(key=lambda e: (-e[1], e[0]))
        live = []
        for tokens, score, state in candidates[:k]:
            if tokens[-1] == eos:
                finished.append((tokens, score))
            else:
                live.append((tokens, score, state))
        if len(finished) >= k or not live:
            break
    pool = list(finished)
    pool.sort(key=lambda e: (-e[1] / len(e[0]), e[0]))
    return [(list(t), float(s)) for t, s in pool[:k]]
'''
}
