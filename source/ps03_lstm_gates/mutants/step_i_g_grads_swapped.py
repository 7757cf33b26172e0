"""Exercise 1: the product rule on i * g applied the wrong way round: the gradient for i taken as
(gradient of c_new) times i, and for g as times g."""

EXPECT = {"lose": ["lstm_step_backward"]}
EDITS = {
    "lstm_step_backward": [
        (
            "d_i, d_f, d_g = d_c_new * g, d_c_new * c, d_c_new * i",
            "d_i, d_f, d_g = d_c_new * i, d_c_new * c, d_c_new * g",
        )
    ]
}
