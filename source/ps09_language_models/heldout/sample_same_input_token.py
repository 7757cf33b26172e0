"""Feeds the starting token to step at every step (only the state is carried), instead of the token drawn at the previous step."""

MISTAKE = "drawn token not fed back"
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {
    "sample_tokens": """def sample_tokens(step, token, state, n, temperature=1.0, top_k=None, generator=None):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    result, lp = [], 0.0
    for _ in range(n):
        logits, state = step(token, state)
        values = logits.double() / temperature
        if top_k is not None:
            kth = torch.topk(values, top_k).values[-1]
            values = values.masked_fill(values < kth, float("-inf"))
        probs = torch.softmax(values, dim=0)
        nxt = int(torch.multinomial(probs, 1, generator=generator))
        result.append(nxt)
        lp += math.log(float(probs[nxt]))
    return result, lp
"""
}
