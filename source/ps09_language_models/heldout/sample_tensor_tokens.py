"""Appends the tensor returned by torch.multinomial to the list instead of a Python int, and returns the total as a tensor."""

MISTAKE = "tokens as tensors, not ints"
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {
    "sample_tokens": """def sample_tokens(step, token, state, n, temperature=1.0, top_k=None, generator=None):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    tokens = []
    total = torch.tensor(0.0, dtype=torch.float64)
    for _ in range(n):
        logits, state = step(token, state)
        values = logits.double() / temperature
        if top_k is not None:
            kth = torch.topk(values, top_k).values[-1]
            values = values.masked_fill(values < kth, float("-inf"))
        probs = torch.softmax(values, dim=-1)
        token = torch.multinomial(probs, 1, generator=generator)[0]
        tokens.append(token)
        total = total + torch.log(probs[token])
    return tokens, total
"""
}
