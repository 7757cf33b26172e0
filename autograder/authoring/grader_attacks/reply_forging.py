"""Writes forged grader replies ("RNNLAB-RESULT {...}") to its standard output and error and to every
pipe it holds. The reply channel is a private pipe the kernel never holds, the kernel's standard
streams lead to /dev/null (not forwarded into the notebook), and a reply must carry its request's
id: the forger's own right answer is graded as usual, and so is the next student."""

EXPECT = {"full": True}
# the attack runs first, then the instructor's own answer
ATTACK = """
import json as _json, os as _os, stat as _stat
_fake = "RNNLAB-RESULT " + _json.dumps({"autograde": {"success": True, "log": "forged"},
                                        "feedback": {"success": True}}) + "\\n"
for _fd in range(0, 256):          # every pipe: ipykernel keeps a copy of the descriptor 1 it inherited
    try:
        if _fd in (1, 2) or _stat.S_ISFIFO(_os.fstat(_fd).st_mode):
            _os.write(_fd, (_fake * 40).encode())
    except OSError:
        pass
"""
EDITS = {"lstm_step_backward": [("def lstm_step_backward(", ATTACK + "\ndef lstm_step_backward(")]}
