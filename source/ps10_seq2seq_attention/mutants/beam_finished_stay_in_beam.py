"""Exercise 3, wrong: as in the lecture's beam_decode, finished hypotheses stay in the beam and compete for its k places at every step, instead of being set aside."""

EXPECT = {"lose": ["beam_search_batched"]}
CELLS = {
    "beam_search_batched": """
def beam_search_batched(step, start_state, k, max_len, bos, eos):
    beam, states = [([], 0.0)], start_state  # finished outputs stay in the beam, as in the lecture's beam_decode
    for _ in range(max_len):
        open_rows = [j for j, (tokens, _) in enumerate(beam) if not tokens or tokens[-1] != eos]
        logp, new_states = step(torch.tensor([beam[j][0][-1] if beam[j][0] else bos for j in open_rows]), states)
        candidates = [(tokens, score, None) for tokens, score in beam if tokens and tokens[-1] == eos]
        for row, j in enumerate(open_rows):
            tokens, score = beam[j]
            candidates += [(tokens + [v], score + lp, row) for v, lp in enumerate(logp[row].tolist())]
        candidates.sort(key=lambda c: (-c[1], c[0]))
        kept = candidates[:k]
        beam = [(tokens, score) for tokens, score, _ in kept]
        rows = [row for tokens, _, row in kept if tokens[-1] != eos]
        if not rows:
            break
        states = new_states[rows]
    finished = [(t, s) for t, s in beam if t[-1] == eos]
    live = [(t, s) for t, s in beam if t[-1] != eos]
    per_token = lambda h: (-h[1] / len(h[0]), h[0])
    ranked = sorted(finished, key=per_token) + sorted(live, key=per_token)
    return [(list(t), float(s)) for t, s in ranked[:k]]
"""
}
