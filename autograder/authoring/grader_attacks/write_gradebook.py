"""Tries to give every student 999 points by writing the gradebook with sqlite3."""

EXPECT = {"full": True, "output_has": ["gradebook blocked"], "output_lacks": ["GRADEBOOK-WRITTEN"]}
CELLS = {
    "quiz": """
import os, sqlite3
for path in ["../../../gradebook.db", os.path.abspath("../../../gradebook.db"), "/work/main/gradebook.db"]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=rw", uri=True)
        con.execute("UPDATE grade SET auto_score = 999")
        con.commit()
        print("GRADEBOOK-WRITTEN", path)
    except Exception as err:
        print("gradebook blocked:", type(err).__name__)
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
