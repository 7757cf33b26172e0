"""Writes files outside its own folder: into the course, into another student's folder, into
the repository. Only its scratch copy and a private /tmp are writable; both are thrown away."""

EXPECT = {"full": True, "output_has": ["write blocked"], "output_lacks": ["WROTE-OUTSIDE"]}
CELLS = {
    "quiz": """
import os
targets = ["../../../release/PWNED.txt", "../../../PWNED.txt", "../../solution/PWNED.txt",
           "/work/main/PWNED.txt", os.path.expanduser("~/PWNED.txt").replace("/tmp", "/root")]
for path in targets:
    try:
        with open(path, "w") as f:
            f.write("x")
        print("WROTE-OUTSIDE", path)
    except OSError as err:
        print("write blocked:", type(err).__name__)
with open("scratch-only.txt", "w") as f:
    f.write("stays in the sandbox's copy of the folder")
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
