"""A right answer, written with a helper that edits p.detach() (same memory, no autograd) and counts the bias_ih tensors it touched."""

MISTAKE = ""
EXPECT = {"full": True}
CELLS = {
    "init_forget_gates": '''def _forget_rows(module):
    H = module.hidden_size
    return slice(H, 2 * H)          # gates stacked i, f, g, o: f is the second block


def init_forget_gates(model, value):
    """Set the forget gate's bias of every nn.LSTM (every layer and direction) and nn.LSTMCell in
    `model` to `value`, in place; return how many forget gates were set."""
    gates = 0
    for mod in model.modules():
        if isinstance(mod, (nn.LSTM, nn.LSTMCell)):      # bias=False: no bias_ih below, nothing counted
            rows = _forget_rows(mod)
            params = dict(mod.named_parameters(recurse=False))
            for name in params:
                if "bias_ih" in name:
                    hh_name = name.replace("bias_ih", "bias_hh")
                    params[name].detach()[rows] = value
                    params[hh_name].detach()[rows] = 0
                    gates += 1
    return gates
'''
}
