"""Exercise 1, right, written differently: the two terms of the joined log B stacked and reduced with
torch.logsumexp, the joined log A as a sum of the two."""

EXPECT = {"full": True}
CELLS = {
    "log_join": """
def log_join(earlier, later):
    first_A, first_B = earlier
    second_A, second_B = later
    terms = torch.stack([second_A + first_B, second_B])
    return torch.add(first_A, second_A), torch.logsumexp(terms, dim=0)
"""
}
