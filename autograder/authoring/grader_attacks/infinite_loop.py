"""A solution cell that never ends. The cell is interrupted at the cell time limit and reported
as a timeout; the other exercises are still graded."""

EXPECT = {"lose": ["lstm_step_backward"], "timeouts": ["lstm_step_backward"]}
CELLS = {"lstm_step_backward": "while True:\n    pass"}
