"""Calls torch.multinomial without passing the generator, so the draws come from the global random state and cannot be reproduced from the given generator."""

MISTAKE = "generator not passed to multinomial"
EXPECT = {"lose": ["sample_tokens"]}
CELLS = {
    "sample_tokens": """def sample_tokens(step, token, state, n, temperature=1.0, top_k=None, generator=None):
    if temperature <= 0:
        raise ValueError("temperature must be positive")
    tokens, log_prob = [], 0.0
    for _ in range(n):
        logits, state = step(token, state)
        values = logits.double() / temperature
        if top_k is not None:
            kth = values.topk(top_k).values[-1]
            values = values.masked_fill(values < kth, float("-inf"))
        probs = values.softmax(-1)
        token = int(torch.multinomial(probs, 1))
        tokens.append(token)
        log_prob += math.log(float(probs[token]))
    return tokens, log_prob
"""
}
