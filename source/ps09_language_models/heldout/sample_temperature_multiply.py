"""Multiplies the logits by the temperature instead of dividing them by it, so a low temperature flattens the distribution instead of sharpening it."""

MISTAKE = "logits multiplied by temperature"
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {
    "sample_tokens": """def sample_tokens(step, token, state, n, temperature=1.0, top_k=None, generator=None):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    tokens, total = [], 0.0
    for _ in range(n):
        logits, state = step(token, state)
        values = logits.double() * temperature
        if top_k is not None:
            kth = torch.topk(values, top_k).values[-1]
            values = values.masked_fill(values < kth, float("-inf"))
        probs = torch.softmax(values, dim=-1)
        token = int(torch.multinomial(probs, 1, generator=generator))
        tokens.append(token)
        total += math.log(float(probs[token]))
    return tokens, total
"""
}
