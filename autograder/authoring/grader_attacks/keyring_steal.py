"""Looks for an answer another student's kernel left in a keyring (keyring_plant, graded before it),
for 8 seconds; a key found would be printed as KEY-STOLEN. There is nothing to find."""

EXPECT = {"full": True, "output_has": ["no key of another student"], "output_lacks": ["KEY-STOLEN"]}
STEAL = """
import ctypes as _ct, time as _time
_libc = _ct.CDLL(None, use_errno=True)
_libc.syscall.restype = _ct.c_long
_found = None
_until = _time.monotonic() + 8
while _found is None and _time.monotonic() < _until:
    for _ring in (-3, -4, -5):
        _key = _libc.syscall(250, 10, _ring, b"user", b"rnnlab-shared-answer", 0)   # KEYCTL_SEARCH
        if _key > 0:
            _buf = _ct.create_string_buffer(256)
            _n = _libc.syscall(250, 11, _key, _buf, 256)                             # KEYCTL_READ
            _found = _buf.raw[:max(_n, 0)].decode(errors="replace")
            break
    else:
        _time.sleep(0.5)
print("KEY-STOLEN: " + _found if _found else "no key of another student")
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", STEAL + "\ndef lstm_step_backward(")]}
