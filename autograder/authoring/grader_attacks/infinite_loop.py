"""A solution cell that never ends. The cell is interrupted at the cell time limit and reported
as a timeout; the other exercises are still graded."""

EXPECT = {"lose": ["lstm_step"], "timeouts": ["lstm_step"]}
CELLS = {"lstm_step": "while True:\n    pass"}
