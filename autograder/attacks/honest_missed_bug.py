"""No tampering: an honest wrong answer that the hidden tests happen to miss. A hand-written
"fast path" for a single sequence with a large hidden state takes the gates in the order
i, f, o, g; the tests never try a batch of one with more than one hidden unit, the grader's
re-check does. The old re-check took the points back and reported it as if the student had
tampered; now it is a plain failure (and a reason to extend the hidden tests)."""
EXPECT = {"lose": ["lstm_step"], "flag": "plain failure", "flag_lacks": "tamper"}
CELLS = {"lstm_step": '''
def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    if x.shape[0] == 1 and h.shape[1] > 4:
        i, f, o, g = z.chunk(4, dim=1)          # the bug: PyTorch's order is i, f, g, o
    else:
        i, f, g, o = z.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new
'''}
