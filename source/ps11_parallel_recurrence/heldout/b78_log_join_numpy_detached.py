"""Right values computed with numpy on detached arrays, so the result is not connected to the inputs (no gradients)."""

MISTAKE = "detached through numpy, no gradient"
EXPECT = {"lose": ["log_join"]}
CELLS = {
    "log_join": '''def log_join(earlier, later):
    """(log A, log B) of the stretch `earlier` then `later`, each a pair (log A, log B) of one shape."""

    import numpy as np
    log_a1, log_b1 = earlier
    log_a2, log_b2 = later
    log_a = np.add(log_a1.detach().numpy(), log_a2.detach().numpy())
    log_b = np.logaddexp(log_a2.detach().numpy() + log_b1.detach().numpy(), log_b2.detach().numpy())
    return torch.from_numpy(log_a), torch.from_numpy(log_b)
'''
}
