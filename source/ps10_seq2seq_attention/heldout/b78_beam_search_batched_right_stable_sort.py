"""a right answer, written with a stable descending torch.sort of the flattened scores, live hypotheses kept in token order."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "beam_search_batched": '''def beam_search_batched(step, start_state, k, max_len, bos, eos):
    """Up to k hypotheses [(tokens, score)], ranked by score / len(tokens); one call of step per step."""
    hyps, live_scores = [[]], [0.0]
    states = start_state
    finished = []
    for _ in range(max_len):
        last = torch.tensor([h[-1] if h else bos for h in hyps], dtype=torch.long)
        logp, new_states = step(last, states)
        n, V = logp.shape
        scores = torch.tensor(live_scores, dtype=logp.dtype)
        cand = (scores.unsqueeze(1) + logp).reshape(-1)
        # hyps are in increasing token order, so a stable sort breaks ties by the lower token list
        order = torch.sort(cand, descending=True, stable=True).indices[:k]
        parent = torch.div(order, V, rounding_mode="floor")
        token = order % V
        new_hyps = []
        for p, v, s in zip(parent.tolist(), token.tolist(), cand[order].tolist()):
            toks = hyps[p] + [v]
            if v == eos:
                finished.append((toks, s))
            else:
                new_hyps.append((toks, s, p))
        new_hyps.sort(key=lambda x: x[0])
        hyps = [x[0] for x in new_hyps]
        live_scores = [x[1] for x in new_hyps]
        if len(finished) >= k or not hyps:
            break
        states = new_states.index_select(0, torch.tensor([x[2] for x in new_hyps], dtype=torch.long))
    live = list(zip(hyps, live_scores))
    key = lambda h: (-h[1] / max(len(h[0]), 1), h[0])
    finished.sort(key=key)
    out = finished[:k]
    out += sorted(live, key=key)[: k - len(out)]
    return out
'''
}
