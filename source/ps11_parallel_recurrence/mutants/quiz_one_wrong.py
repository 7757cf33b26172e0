"""Exercise 3, one wrong answer (q3: the scan said to do fewer combinations than the loop)."""

EXPECT = {"lose": ["quiz_q3"]}
CELLS = {"quiz": 'quiz_answers = {"q1": "c", "q2": "d", "q3": "c"}'}
