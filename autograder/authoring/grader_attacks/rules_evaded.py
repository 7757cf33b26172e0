"""Breaks the two exercises' rules where the tests inside the kernel cannot see it: lstm_step_backward gets
its gradients from autograd's engine, called directly, and lstm_all_gates calls
rnnlab.gates.lstm_gates with forbid_calls' profiler turned off around the call. The re-check
process watches C calls (the engine's run_backward, a profiler or tracer being set) and its own
profiler: both exercises lose their points."""

EXPECT = {"lose": ["lstm_step_backward", "lstm_all_gates"], "flag": "rule was broken"}
STEP = """
def lstm_step_backward(x, h, c, W_ih, W_hh, b_ih, b_hh, grad_h_new, grad_c_new):
    leaves = [t.detach().clone().requires_grad_() for t in (x, h, c, W_ih, W_hh, b_ih, b_hh)]
    with torch.enable_grad():
        z = leaves[0] @ leaves[3].T + leaves[5] + leaves[1] @ leaves[4].T + leaves[6]
        z_i, z_f, z_g, z_o = z.chunk(4, dim=1)
        i, f, g, o = z_i.sigmoid(), z_f.sigmoid(), z_g.tanh(), z_o.sigmoid()
        c_new = f * leaves[2] + i * g
        h_new = o * c_new.tanh()
        total = (h_new * grad_h_new).sum() + (c_new * grad_c_new).sum()
    engine = torch.autograd.Variable._execution_engine
    grads = engine.run_backward((total,), (torch.ones_like(total),), False, False, tuple(leaves), False, False)
    return h_new.detach(), c_new.detach(), dict(zip(("x", "h", "c", "W_ih", "W_hh", "b_ih", "b_hh"), grads))
"""
GATES = """
def lstm_all_gates(lstm, x, hx=None):
    import sys
    import rnnlab.gates
    watcher = sys.getprofile()
    sys.setprofile(None)
    try:
        trace = rnnlab.gates.lstm_gates(lstm, x, hx)
    finally:
        sys.setprofile(watcher)
    return {name: trace[name][0, 0].detach() for name in "ifgoch"}
"""
CELLS = {"lstm_step_backward": STEP, "lstm_all_gates": GATES}
