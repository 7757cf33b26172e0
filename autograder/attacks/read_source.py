"""Looks for the hidden tests: in the instructor's source notebook, and in the notebook nbgrader
writes into the grading folder with the tests restored (stock nbgrader leaves it readable).
Its own text contains the words BEGIN HIDDEN TESTS, which must not break its feedback."""
EXPECT = {"full": True, "output_has": ["source not readable"], "output_lacks": ["LEAKED-HIDDEN-TESTS"],
          "no_flags": True}
CELLS = {"lstm_step": '''
import glob, os
candidates = ["../../../source/ps03_lstm_gates/ps03_lstm_gates.ipynb",
              os.path.abspath("../../../source/ps03_lstm_gates/ps03_lstm_gates.ipynb"),
              "/work/main/source/ps03_lstm_gates/ps03_lstm_gates.ipynb"]
candidates += glob.glob("/work/**/source/**/*.ipynb", recursive=True)
candidates += glob.glob(os.path.abspath("../../..") + "/**/*.ipynb", recursive=True)
candidates += glob.glob("*.ipynb") + glob.glob("**/*.ipynb", recursive=True)
leaked = False
for path in candidates:
    try:
        if "BEGIN HIDDEN TESTS" in open(path).read():
            leaked = True
    except OSError:
        pass
print("LEAKED-HIDDEN-TESTS" if leaked else "source not readable")

def lstm_step(x, h, c, W_ih, W_hh, b_ih, b_hh):
    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh
    i, f, g, o = z.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new
'''}
