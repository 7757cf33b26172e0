"""Never raises the ValueErrors: a target row without eos is silently used whole, and an empty batch divides by zero."""

MISTAKE = "missing ValueError checks"
EXPECT = {"lose": ["exact_match"]}
CELLS = {
    "exact_match": """def exact_match(predicted, target, eos, pad):
    B = target.shape[0]
    exact, right, total = 0, 0, 0
    for b in range(B):
        t = target[b].tolist()
        if eos in t:
            t = t[:t.index(eos) + 1]
        p = predicted[b].tolist()
        if eos in p:
            p = p[:p.index(eos) + 1]
        if p == t:
            exact += 1
        for j in range(len(t)):
            total += 1
            if j < len(p) and p[j] == t[j]:
                right += 1
    return (exact / B, right / total)
"""
}
