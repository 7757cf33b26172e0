"""Prints 200,000 lines. The output is cut down in the graded notebook; grading goes on."""
EXPECT = {"full": True}
CELLS = {"lstm_step": '''
for k in range(200_000):
    print(k)

def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new
'''}
