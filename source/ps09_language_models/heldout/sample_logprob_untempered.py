"""Adds the log-probability of each draw under the plain softmax of the logits, not under the tempered, top-k distribution it was actually drawn from."""

MISTAKE = "log-probability from the untempered distribution"
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {
    "sample_tokens": """def sample_tokens(step, token, state, n, temperature=1.0, top_k=None, generator=None):
    if temperature <= 0:
        raise ValueError("temperature must be > 0")
    out = []
    log_prob = 0.0
    for _ in range(n):
        logits, state = step(token, state)
        scaled = logits.double() / temperature
        if top_k is not None:
            kth = torch.topk(scaled, top_k).values[-1]
            scaled = scaled.masked_fill(scaled < kth, float("-inf"))
        probs = torch.softmax(scaled, dim=-1)
        token = int(torch.multinomial(probs, 1, generator=generator))
        out.append(token)
        log_prob += float(torch.log_softmax(logits.double(), dim=-1)[token])
    return out, log_prob
"""
}
