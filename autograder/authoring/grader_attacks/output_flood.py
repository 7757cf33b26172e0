"""Prints 200,000 lines. The output is cut down in the graded notebook; grading goes on."""

EXPECT = {"full": True}
EDITS = {
    "lstm_step_backward": [
        ("def lstm_step_backward(", "for k in range(200_000):\n    print(k)\n\ndef lstm_step_backward(")
    ]
}
