"""Keeps exactly top_k indices returned by torch.topk, so when several values equal the k-th largest only some of them are kept (the exercise keeps every value equal to the k-th)."""

MISTAKE = "top-k ties dropped"
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {
    "sample_tokens": """def sample_tokens(step, token, state, n, temperature=1.0, top_k=None, generator=None):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    drawn, total = [], 0.0
    for _ in range(n):
        logits, state = step(token, state)
        v = logits.double() / temperature
        if top_k is not None:
            idx = torch.topk(v, top_k).indices
            kept = torch.full_like(v, float("-inf"))
            kept[idx] = v[idx]
            v = kept
        probs = torch.softmax(v, -1)
        token = torch.multinomial(probs, 1, generator=generator).item()
        drawn.append(token)
        total += math.log(probs[token].item())
    return drawn, total
"""
}
