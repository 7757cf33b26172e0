"""An endless loop that ignores the interrupt. The cell limit fires, the interrupt is ignored,
and the submission fails with that reason (the per-submission wall-clock limit and the CPU
limit are further backstops); the rest of the batch is unaffected."""

EXPECT = {"status": "failed", "reason": "the kernel stopped answering the grader"}
CELLS = {"lstm_step_backward": "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"}
