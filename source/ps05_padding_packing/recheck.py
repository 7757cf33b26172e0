"""Re-checks for ps05: collate_recent, bidirectional_final, masked_cross_entropy, packed_matches_alone, quiz."""

import torch
from torch import nn

from autograder.grading.recheck import Case, graded_quiz_cases


def _collate_case(k, lengths, max_len):
    gen = torch.Generator().manual_seed(9500 + k)
    items = [(torch.randn(n, 2, generator=gen), k + n) for n in lengths]
    kept = [min(n, max_len) for n in lengths]
    x = torch.zeros(max(kept), len(lengths), 2)
    for b, ((seq, _), n) in enumerate(zip(items, kept)):
        x[:n, b] = seq[len(seq) - n :]
    expected = (x, torch.tensor(kept), torch.tensor([y for _, y in items]), "torch.int64", "torch.int64", "cpu")
    code = (
        "out = collate_recent(items, max_len)\n"
        "result = (out[0], out[1], out[2], str(out[1].dtype), str(out[2].dtype), out[1].device.type)"
    )
    return Case(
        f"collate_recent_{k}",
        ["collate_recent_visible", "collate_recent_hidden"],
        code,
        {"items": items, "max_len": max_len},
        expected,
        atol=0,
    )


def _final_case(k, lengths, steps, hidden):
    gen = torch.Generator().manual_seed(9600 + k)
    output = torch.randn(steps, len(lengths), 2 * hidden, generator=gen)
    expected = torch.stack(
        [torch.cat([output[n - 1, b, :hidden], output[0, b, hidden:]]) for b, n in enumerate(lengths)]
    )
    return Case(
        f"bidirectional_final_{k}",
        ["bidirectional_final_visible", "bidirectional_final_hidden"],
        "result = bidirectional_final(output, lengths)",
        {"output": output, "lengths": torch.tensor(lengths)},
        expected,
        atol=0,
    )


def _ce_case(k, lengths, steps, classes):
    gen = torch.Generator().manual_seed(9700 + k)
    logits = torch.randn(steps, len(lengths), classes, generator=gen)
    tags = torch.randint(0, classes, (steps, len(lengths)), generator=gen)
    ref = logits.clone().requires_grad_(True)
    each = [nn.functional.cross_entropy(ref[:n, b], tags[:n, b], reduction="none") for b, n in enumerate(lengths)]
    per_step = torch.cat(each).mean()
    per_seq = torch.stack([e.mean() for e in each]).mean()
    (grad_step,) = torch.autograd.grad(per_step, ref)
    code = (
        "p = logits.clone().requires_grad_(True)\n"
        "loss = masked_cross_entropy(p, tags, lengths)\n"
        "loss.backward()\n"
        "result = (loss.detach(), p.grad, masked_cross_entropy(logits, tags, lengths, per_sequence=True))"
    )
    return Case(
        f"masked_cross_entropy_{k}",
        ["masked_cross_entropy_visible", "masked_cross_entropy_hidden"],
        code,
        {"logits": logits, "tags": tags, "lengths": torch.tensor(lengths)},
        (per_step.detach(), grad_step, per_seq.detach()),
    )


# Ways of running a batch, defined in the student's kernel by the harness. The lstm is rebuilt
# there from a state dict; each verdict is what a correct checker must answer.
_WAYS = """
from torch.nn.utils.rnn import pack_sequence as _ps, pad_packed_sequence as _ppad, pad_sequence as _pad
def _way_packed(l, s):
    o, (h, c) = l(_ps(s, enforce_sorted=False))
    return _ppad(o, batch_first=True)[0], h, c
def _way_padded(l, s):
    o, (h, c) = l(_pad(s, batch_first=True))
    return o, h, c
def _way_states_unsorted(l, s):
    order = torch.tensor([len(x) for x in s]).argsort(descending=True)
    o, (h, c) = l(_ps([s[k] for k in order.tolist()]))
    back = order.argsort()
    return _ppad(o, batch_first=True)[0][back], h, c
def _way_nudged_c(l, s):
    o, h, c = _way_packed(l, s)
    c = c.clone()
    c[0, -1, 0] += 1e-3
    return o, h, c
layer = torch.nn.LSTM(n_in, n_hid, num_layers=layers, bidirectional=bidirectional, batch_first=True)
layer.load_state_dict(state)
result = [packed_matches_alone(layer, seqs, way) for way in
          (_way_packed, _way_padded, _way_states_unsorted, _way_nudged_c)]
"""


def _proof_case(k, layers, bidirectional, lengths):
    with torch.random.fork_rng():
        torch.manual_seed(9800 + k)
        lstm = nn.LSTM(3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        seqs = [torch.randn(n, 3) for n in lengths]
    inputs = {
        "state": {n: p.detach().clone() for n, p in lstm.state_dict().items()},
        "seqs": seqs,
        "n_in": 3,
        "n_hid": 4,
        "layers": layers,
        "bidirectional": bidirectional,
    }
    return Case(
        f"packed_matches_alone_{k}",
        ["packed_matches_alone_visible", "packed_matches_alone_hidden"],
        _WAYS,
        inputs,
        [True, False, False, False],
    )


def cases(course):
    out = [_collate_case(0, [3, 1, 4], 2), _collate_case(1, [2, 2, 5, 1, 3], 9)]
    out += [_final_case(0, [2, 5, 1], 6, 3), _final_case(1, [4], 4, 2)]
    out += [_ce_case(0, [3, 1, 4], 5, 3), _ce_case(1, [2, 6], 6, 4)]
    out += [_proof_case(0, 1, False, [5, 2, 4]), _proof_case(1, 2, True, [3, 6, 1, 4])]
    return out + graded_quiz_cases("ps05_padding_packing", course)
