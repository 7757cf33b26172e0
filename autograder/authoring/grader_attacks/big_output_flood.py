"""Eight outputs of 20 MB each, as one-line prints and displayed values (nbgrader's LimitOutput
cuts lines, not long ones). Every output is capped as it arrives from the kernel (per output, per
cell, per notebook), and feedback is capped again."""

EXPECT = {"full": True, "output_has": ["cut by the grader"]}
# the attack runs first, then the instructor's own answer
ATTACK = """
from IPython.display import display as _display
for _k in range(4):
    print(str(_k) * (20 * 1024 * 1024))
    _display(str(_k) * (20 * 1024 * 1024))
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", ATTACK + "\ndef lstm_step_backward(")]}
