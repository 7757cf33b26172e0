"""A correct answer: each target cut after its eos, each output cut after its first eos (or kept whole), exact comparison per row and position-by-position counting over the real target positions."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "exact_match": '''def exact_match(predicted, target, eos, pad):
    """(exact match, per-token accuracy) of outputs cut at their first eos."""
    B = target.shape[0]
    if B == 0:
        raise ValueError("empty batch")
    if not (target == eos).any(dim=1).all():
        raise ValueError("a target row has no eos")
    exact, right, total = 0, 0, 0
    for b in range(B):
        t = target[b].tolist()
        t = t[:t.index(eos) + 1]
        p = predicted[b].tolist()
        if eos in p:
            p = p[:p.index(eos) + 1]
        exact += int(p == t)
        total += len(t)
        right += sum(1 for j in range(len(t)) if j < len(p) and p[j] == t[j])
    return (exact / B, right / total)
'''
}
