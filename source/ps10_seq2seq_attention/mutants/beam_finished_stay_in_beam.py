"""Exercise 3, wrong: as in the lecture's beam_decode, finished hypotheses stay in the beam and
compete for its k places at every step, instead of being set aside."""

EXPECT = {"lose": ["beam_search"]}
CELLS = {
    "beam_search": """
def beam_search(step, start_state, k, max_len, bos, eos):
    beam = [([], 0.0, start_state)]
    for _ in range(max_len):
        extensions = []
        for tokens, score, state in beam:
            if tokens and tokens[-1] == eos:
                extensions.append((tokens, score, state))      # finished: kept as it is
                continue
            logp, new_state = step(tokens[-1] if tokens else bos, state)
            for v, lp in enumerate(logp.tolist()):
                extensions.append((tokens + [v], score + lp, new_state))
        extensions.sort(key=lambda e: (-e[1], e[0]))
        beam = extensions[:k]
        if all(t[-1] == eos for t, _, _ in beam):
            break
    finished = [(t, s) for t, s, _ in beam if t[-1] == eos]
    live = [(t, s) for t, s, _ in beam if t[-1] != eos]
    key = lambda h: (-h[1] / len(h[0]), h[0])
    ranked = sorted(finished, key=key) + sorted(live, key=key)
    return [(list(t), float(s)) for t, s in ranked[:k]]
"""
}
