"""Kills its own kernel. The submission fails with a reason; the batch goes on."""

EXPECT = {"status": "failed", "reason": "kernel died"}
CELLS = {"lstm_step_backward": "import os\nos._exit(3)"}
