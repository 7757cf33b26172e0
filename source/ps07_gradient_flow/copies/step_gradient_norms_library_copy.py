"""Library copy of step_gradient_norms: the source of the student package's nearest code pasted as the
answer, renamed to the exercise's name; it must lose points. Nearest:
rnnlab.gradients.hidden_grad_norms, chapter 07's ||dL/dh_t|| at every step."""

LIBRARY = {"rnnlab.gradients.hidden_grad_norms": "step_gradient_norms"}
EXPECT = {"lose": ["step_gradient_norms"]}
CELLS = {"step_gradient_norms": "{library}"}
