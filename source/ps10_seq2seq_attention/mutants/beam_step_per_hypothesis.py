"""Exercise 3, wrong: calls step once for every hypothesis (a batch of one row), as the lecture's beam_decode does, where the exercise asks for one call per step."""

EXPECT = {"lose": ["beam_search_batched"]}
CELLS = {
    "beam_search_batched": """
def beam_search_batched(step, start_state, k, max_len, bos, eos):
    live, finished = [([], 0.0, start_state)], []
    for _ in range(max_len):
        extensions = []
        for tokens, score, state in live:  # one call of step per hypothesis, a batch of one row
            logp, new_state = step(torch.tensor([tokens[-1] if tokens else bos]), state)
            for v, lp in enumerate(logp[0].tolist()):
                extensions.append((tokens + [v], score + lp, new_state))
        extensions.sort(key=lambda e: (-e[1], e[0]))
        kept = extensions[:k]
        finished += [(t, s) for t, s, _ in kept if t[-1] == eos]
        live = [e for e in kept if e[0][-1] != eos]
        if len(finished) >= k or not live:
            break
    per_token = lambda h: (-h[1] / len(h[0]), h[0])
    ranked = sorted(finished, key=per_token)
    ranked += sorted(((t, s) for t, s, _ in live), key=per_token)[: max(0, k - len(ranked))]
    return [(list(t), float(s)) for t, s in ranked[:k]]
"""
}
