"""rnnlab.windows: which time steps a set of windows shows, and what a random split leaks."""

import pytest
import torch

from rnnlab.windows import leaked_share, seen_times, target_times


def test_target_and_seen_times():
    starts = torch.tensor([0, 5])
    assert target_times(starts, window=3, horizon=1).tolist() == [3, 8]
    assert target_times(starts, window=3, horizon=2).tolist() == [4, 9]
    assert seen_times(starts, window=3, horizon=2).tolist() == [0, 1, 2, 4, 5, 6, 7, 9]


def test_chronological_split_leaks_nothing():
    n, window, horizon = 100, 10, 1
    starts = torch.arange(n - window - horizon + 1)
    cut = int(0.8 * len(starts))
    train, test = starts[:cut], starts[cut:]
    assert leaked_share(train, test, window, horizon) == 0.0


def test_random_split_leaks_almost_everything():
    n, window, horizon = 300, 10, 1
    starts = torch.arange(n - window - horizon + 1)
    perm = starts[torch.randperm(len(starts), generator=torch.Generator().manual_seed(0))]
    cut = int(0.8 * len(perm))
    share = leaked_share(perm[:cut], perm[cut:], window, horizon)
    assert 0.95 < share <= 1.0


def test_leak_counts_each_test_window_once():
    # train window at 0 (inputs 0..2, target 3) sees time 3: the test window at 1 has target 4
    # (not seen), the test window at 0 itself has target 3 (seen)
    assert leaked_share([0], [0, 1], window=3, horizon=1) == 0.5
    with pytest.raises(ValueError):
        leaked_share([0], [], window=3, horizon=1)
