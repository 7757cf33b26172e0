"""Leaves an answer in the kernel keyrings (the session keyring inherited from the grader, and the
sandbox uid's user keyring), for keyring_steal, graded after it, to find. Each kernel starts with
a session keyring of its own and the uid's user keyrings emptied."""

EXPECT = {"full": True, "output_has": ["keys planted"]}
PLANT = """
import ctypes as _ct
_libc = _ct.CDLL(None, use_errno=True)
_libc.syscall.restype = _ct.c_long
_payload = b"ANSWER-OF-ANOTHER-STUDENT"
_added = [_libc.syscall(248, b"user", b"rnnlab-shared-answer", _payload, len(_payload), _ring)   # add_key
          for _ring in (-3, -4, -5)]   # the session, user and user-session keyrings
print("keys planted" if max(_added) > 0 else f"no key could be planted (errno {_ct.get_errno()})")
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", PLANT + "\ndef lstm_step_backward(")]}
