"""Keeps finished hypotheses in the beam, where they take up slots and compete with the live ones at every step (the lecture's beam_decode), instead of setting them aside."""

MISTAKE = "finished hypotheses kept in the beam"
EXPECT = {"lose": ["beam_search"]}
CELLS = {
    "beam_search": """def beam_search(step, start_state, k, max_len, bos, eos):
    beam = [([], 0.0, start_state, False)]
    for _ in range(max_len):
        cands = []
        for tokens, score, state, done in beam:
            if done:
                cands.append((tokens, score, state, True))
                continue
            logp, new_state = step(tokens[-1] if tokens else bos, state)
            for v in range(len(logp)):
                cands.append((tokens + [v], score + float(logp[v]), new_state, v == eos))
        cands.sort(key=lambda e: (-e[1], e[0]))
        beam = cands[:k]
        if all(d for _, _, _, d in beam):
            break
    ranked = sorted(beam, key=lambda e: (not e[3], -e[1] / len(e[0]), e[0]))
    return [(t, s) for t, s, _, _ in ranked[:k]]
"""
}
