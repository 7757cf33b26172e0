"""Exercise 3, right, written differently: plain Python lists, heapq.nsmallest picks the k best
candidates, and the parents' rows are gathered with index_select."""

EXPECT = {"full": True}
CELLS = {
    "beam_search_batched": """
import heapq


def beam_search_batched(step, start_state, k, max_len, bos, eos):
    beams, states, done = [((), 0.0)], start_state, []
    t = 0
    while beams and t < max_len and len(done) < k:
        t += 1
        last = torch.tensor([tokens[-1] if tokens else bos for tokens, _ in beams], dtype=torch.long)
        logp, nxt = step(last, states)
        pool = [
            (tokens + (v,), score + lp, parent)
            for parent, (tokens, score) in enumerate(beams)
            for v, lp in enumerate(logp[parent].tolist())
        ]
        best = heapq.nsmallest(k, pool, key=lambda x: (-x[1], x[0]))
        done.extend((tok, sc) for tok, sc, _ in best if tok[-1] == eos)
        going = [b for b in best if b[0][-1] != eos]
        beams = [(tok, sc) for tok, sc, _ in going]
        if going:
            states = nxt.index_select(0, torch.tensor([parent for _, _, parent in going]))

    def by_mean(hyps):  # higher mean log-probability first, then the lower tokens
        return heapq.nsmallest(len(hyps), hyps, key=lambda h: (-h[1] / len(h[0]), h[0]))

    answer = by_mean(done)[:k]
    answer += by_mean(beams)[: k - len(answer)]
    return [(list(tok), float(sc)) for tok, sc in answer]
"""
}
