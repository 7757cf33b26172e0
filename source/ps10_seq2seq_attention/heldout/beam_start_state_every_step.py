"""Calls step with start_state for every hypothesis at every step instead of the state that hypothesis reached, so the model's state is never carried."""

MISTAKE = "state not carried between steps"
EXPECT = {"lose": ["beam_search"]}
CELLS = {
    "beam_search": """def beam_search(step, start_state, k, max_len, bos, eos):
    live = [([], 0.0)]
    finished = []
    for _ in range(max_len):
        candidates = []
        for tokens, score in live:
            prev = tokens[-1] if tokens else bos
            logp, _ = step(prev, start_state)
            for v, lp in enumerate(logp.tolist()):
                candidates.append((tokens + [v], score + lp))
        candidates.sort(key=lambda e: (-e[1], e[0]))
        live = []
        for tokens, score in candidates[:k]:
            (finished if tokens[-1] == eos else live).append((tokens, score))
        if len(finished) >= k or not live:
            break
    out = finished + live[:max(0, k - len(finished))]
    out.sort(key=lambda e: (-e[1] / len(e[0]), e[0]))
    return out[:k]
"""
}
