"""Displays 4,000 tiny outputs (each a separate display) and writes 500 tracebacks with
showtraceback, each far under the per-output cap. Outputs cost their structure too and are
counted per cell and per notebook, and only a cell's first error is kept."""

EXPECT = {"full": True, "output_has": ["cut by the grader"]}
FLOOD = """
from IPython.display import display as _show
for _k in range(4_000):
    _show({"text/plain": str(_k)}, raw=True)
for _k in range(500):
    try:
        raise ValueError(_k)
    except ValueError:
        get_ipython().showtraceback()
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", FLOOD + "\ndef lstm_step_backward(")]}
