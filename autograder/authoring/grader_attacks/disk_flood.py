"""Fills every writable place it finds (working folder, /tmp, /dev/shm, home) with 32 MB files,
up to 1.5 GB, and prints how much it wrote. Every writable place is a size-capped tmpfs
(256 + 256 + 64 MB): the writes stop there and grading goes on."""

EXPECT = {"full": True, "output_has": ["DISK-FLOOD wrote"]}
# the attack runs first, then the instructor's own answer
ATTACK = """
import os as _os
_chunk, _written = b"\\0" * (32 * 1024 * 1024), 0
_places = (".", "/tmp", "/dev/shm", _os.path.expanduser("~"))
for _n, _place in enumerate(_places):
    for _k in range(48):
        if _written >= 1536 * 1024 * 1024:
            break
        try:
            with open(_os.path.join(_place, f"flood-{_n}-{_k}.bin"), "xb") as _f:
                _f.write(_chunk)
            _written += len(_chunk)
        except OSError:
            break
print(f"DISK-FLOOD wrote {_written // (1024 * 1024)} MB")
for _n, _place in enumerate(_places):
    for _k in range(48):
        try:
            _os.remove(_os.path.join(_place, f"flood-{_n}-{_k}.bin"))
        except OSError:
            pass
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", ATTACK + "\ndef lstm_step_backward(")]}
