"""Looks for the hidden tests: in the instructor's source notebook, and in the notebook nbgrader
writes into the grading folder with the tests restored (stock nbgrader leaves it readable).
Its own text contains the words BEGIN HIDDEN TESTS, which must not break its feedback."""

EXPECT = {
    "full": True,
    "output_has": ["source not readable"],
    "output_lacks": ["LEAKED-HIDDEN-TESTS"],
    "no_flags": True,
}
SEARCH = """
import glob, os
candidates = ["../../../source/ps03_lstm_gates/ps03_lstm_gates.ipynb",
              os.path.abspath("../../../source/ps03_lstm_gates/ps03_lstm_gates.ipynb")]
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

"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", SEARCH + "def lstm_step_backward(")]}
