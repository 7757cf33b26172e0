"""Writes forged grader replies ("RNNLAB-RESULT {...}") to its standard output and error and to
every pipe it holds. With the old worker (bd68132) the kernel inherited the worker's descriptor
1, the reply channel, and replies were matched by order. ipykernel 7 points descriptor 1 at a
pipe of its own, but echoes what arrives there to the descriptor it inherited and keeps a copy
of that one (sys.stdout.fileno()); writing to either alone was enough: the forger and the next
student on that worker were reported before they were graded (0 points, "nbgrader recorded no
grades"). Now the channel is a private pipe the kernel never holds, the kernel's standard
streams lead to /dev/null (and are not forwarded into the notebook, where a late forward landed
in the next test cell as stderr, 0 points), and a reply must carry its request's id."""

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
EDITS = {"lstm_step": [("def lstm_step(", ATTACK + "\ndef lstm_step(")]}
