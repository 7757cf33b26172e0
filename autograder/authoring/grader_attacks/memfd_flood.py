"""Memory that no address space counts: 72 anonymous files of 60 MB (memfd_create, filled with
write(), never mapped), 4.3 GB in all, under the 2 GB address-space and 64 MB file-size limits.
The kernel's control group holds it to 3 GB: the kernel is killed (or, on a loaded machine,
stopped by the cell's time limit first), the memory stays held (tests/autograder/grading/test_attacks.py checks the
group's peak) and nothing after this cell is graded."""

EXPECT = {
    "status": "failed",
    "reason": ("kernel died", "the kernel stopped answering the grader"),
    "output_lacks": ["MEMFD-FLOOD held 4320 MB"],
}
FLOOD = """
import os as _os
_chunk, _files = b"\\2" * (60 * 1024 * 1024), []
for _f in range(72):
    _files.append(_os.memfd_create(f"flood{_f}"))
    _os.write(_files[-1], _chunk)
print(f"MEMFD-FLOOD held {60 * len(_files)} MB")
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", FLOOD + "def lstm_step_backward(")]}
