"""Memory that no address space counts: the kernel writes 72 anonymous files of 60 MB
(memfd_create, filled with write(), never mapped; each under the 64 MB file-size limit), 4.3 GB
in all, so neither the 2 GB address-space limit nor the file-size limit binds. The pages are
shared memory charged to the kernel's control group, which holds the whole kernel to 3 GB: the
limit kills the kernel (the process that holds the files), and nothing after this cell is
graded. On a heavily loaded machine the group can spend longer than the cell's time limit (15 s
in the tests) reclaiming its own file pages before the OOM killer acts; the kernel is then
stopped by the time limit instead (seen once, in a fresh-clone `make test`). Either way the
memory stays held (tests/test_attacks.py checks the group's peak) and nothing after is graded."""

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
EDITS = {"lstm_step": [("def lstm_step(", FLOOD + "def lstm_step(")]}
