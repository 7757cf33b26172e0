"""A wrong answer, with errors hidden: showtraceback replaced, and an input transformer that
wraps every later cell in try/except, so failing tests look like passing ones in the kernel."""

EXPECT = {"lose": ["lstm_step_backward"], "flag": "replaced or hooked"}
CELLS = {
    "lstm_step_backward": """
ip = get_ipython()
ip.showtraceback = lambda *args, **kwargs: None

def _swallow(lines):
    return ["try:\\n"] + ["    " + line for line in lines] + ["\\nexcept BaseException:\\n    pass\\n"]

ip.input_transformers_post.append(_swallow)

def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh):
    return h, c
"""
}
