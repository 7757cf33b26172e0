"""A helper process tied to ours by a pipe, its lifeline: it ends when our end of the pipe closes
(when we close it, or when we end in any way, killed too). The warm processes of grading slots
(autograder.grading.warm) are such processes."""

from __future__ import annotations

import os
import subprocess


def end_by_lifeline(proc: subprocess.Popen, lifeline: int, seconds: float = 10) -> None:
    """End `proc` by closing our end of its lifeline; killed if it has not ended after `seconds`."""
    os.close(lifeline)
    try:
        proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
