"""A correct answer: every live hypothesis extended by every token, the k best kept with ties by token list, finished ones set aside, stop rules, final ranking by score per token.

Relabelled wrong after grading: its author read "the finished ones, then ... the best live ones. Rank them by score per token" as one ranking of all of them, with the live ones chosen by their plain score; the course's text meant (and now says) the finished ones first, then the missing live ones by score per token."""

MISTAKE = "live hypotheses chosen by plain score and ranked together with the finished ones"
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
    if len(pool) < k:
        pool += [(t, s) for t, s, _ in live[:k - len(pool)]]
    pool.sort(key=lambda e: (-e[1] / len(e[0]), e[0]))
    return [(list(t), float(s)) for t, s in pool[:k]]
'''
}
