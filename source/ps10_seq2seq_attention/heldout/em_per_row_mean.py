"""Averages each row's per-token accuracy and then the rows, instead of pooling all real target positions of the batch together."""

MISTAKE = "mean of per-row accuracies"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B = target.shape[0]
    if B == 0:
        raise ValueError("empty batch")
    rows_exact, rows_acc = [], []
    for b in range(B):
        t = target[b].tolist()
        if eos not in t:
            raise ValueError("target row without eos")
        t = t[:t.index(eos) + 1]
        p = predicted[b].tolist()
        if eos in p:
            p = p[:p.index(eos) + 1]
        rows_exact.append(1.0 if p == t else 0.0)
        hits = sum(1 for j, tok in enumerate(t) if j < len(p) and p[j] == tok)
        rows_acc.append(hits / len(t))
    return (sum(rows_exact) / B, sum(rows_acc) / B)
"""
}
