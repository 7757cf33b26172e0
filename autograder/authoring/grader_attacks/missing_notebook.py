"""A submission folder without the notebook (only a note). Reported as missing, scored 0."""

EXPECT = {"status": "missing", "reason": "no ps03_lstm_gates.ipynb"}
NOTEBOOK = False
FILES = {"notes.txt": "I could not finish."}
