"""Returns objects whose __eq__ is always true, for the tensors and for the quiz answers."""

EXPECT = {"lose": ["lstm_step_backward", "quiz"]}
CELLS = {
    "lstm_step_backward": """
class AlwaysEqual:
    shape = property(lambda self: (2, 4))
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __hash__ = object.__hash__

def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    return AlwaysEqual(), AlwaysEqual(), {name: AlwaysEqual() \
for name in ("x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh")}
""",
    "quiz": 'quiz_answers = {f"q{k}": AlwaysEqual() for k in range(1, 4)}',
}
