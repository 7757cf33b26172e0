"""Twelve processes, each holding 350 MB (4.2 GB in all), under an address-space limit of 2 GB per
process that none of them reaches alone. The kernel's control group holds all of its processes to
3 GB together: processes are killed, and the exercise that depended on them is lost (or the
kernel dies with them)."""

EXPECT = {"lose": ["lstm_step_backward"], "output_lacks": ["MEMORY-FLOOD held 4200 MB"]}
FLOOD = """
import os as _os, time as _time
_kids = []
for _k in range(12):
    _pid = _os.fork()
    if _pid == 0:
        try:
            _block = b"\\1" * (350 * 1024 * 1024)
            _time.sleep(4)
            _os._exit(0)
        except BaseException:
            _os._exit(1)
    _kids.append(_pid)
_held = sum(350 for _p in _kids if _os.waitpid(_p, 0)[1] == 0)
print(f"MEMORY-FLOOD held {_held} MB")
"""
EDITS = {
    "lstm_step_backward": [
        ("def lstm_step_backward(", FLOOD + "def lstm_step_backward("),
        (
            "    return h_new, c_new, grads",
            "    return h_new, c_new, grads\n\n\nif _held != 4200:\n    del lstm_step_backward",
        ),
    ]
}
