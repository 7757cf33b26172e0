"""Re-checks for ps05: collate_tagged, last_real_output, masked_mse, packed_matches_alone, quiz."""
import torch
from torch import nn

from autograder.recheck import Case
from rnnlab.quiz import load_quiz


def _collate_case(k, lengths):
    gen = torch.Generator().manual_seed(9500 + k)
    items = [(torch.randint(1, 30, (n,), generator=gen), torch.randint(0, 4, (n,), generator=gen))
             for n in lengths]
    longest = max(lengths)
    tokens = torch.zeros(len(lengths), longest, dtype=torch.long)
    tags = torch.full((len(lengths), longest), -100, dtype=torch.long)
    for b, (tok, tag) in enumerate(items):
        tokens[b, :len(tok)], tags[b, :len(tag)] = tok, tag
    expected = (tokens, tags, torch.tensor(lengths), "torch.int64", "torch.int64", "torch.int64", "cpu")
    code = ("out = collate_tagged(items)\n"
            "result = (out[0], out[1], out[2], str(out[0].dtype), str(out[1].dtype), "
            "str(out[2].dtype), out[2].device.type)")
    return Case(f"collate_tagged_{k}", ["collate_tagged_visible", "collate_tagged_hidden"], code,
                {"items": items}, expected, atol=0)


def _last_case(k, lengths, steps, features):
    gen = torch.Generator().manual_seed(9600 + k)
    output = torch.randn(len(lengths), steps, features, generator=gen)
    expected = torch.stack([output[b, n - 1] for b, n in enumerate(lengths)])
    return Case(f"last_real_output_{k}", ["last_real_output_visible", "last_real_output_hidden"],
                "result = last_real_output(output, lengths)",
                {"output": output, "lengths": torch.tensor(lengths)}, expected, atol=0)


def _masked_case(k, lengths, steps):
    gen = torch.Generator().manual_seed(9700 + k)
    pred = torch.randn(len(lengths), steps, generator=gen)
    target = torch.randn(len(lengths), steps, generator=gen)
    for b, n in enumerate(lengths):
        target[b, n:] = 5.0
    expected = torch.cat([(pred[b, :n] - target[b, :n]) ** 2 for b, n in enumerate(lengths)]).mean()
    code = ("p = pred.clone().requires_grad_(True)\n"
            "loss = masked_mse(p, target, lengths)\n"
            "loss.backward()\n"
            "result = (loss.detach(), p.grad)")
    grad = torch.zeros(len(lengths), steps)
    for b, n in enumerate(lengths):
        grad[b, :n] = 2 * (pred[b, :n] - target[b, :n]) / sum(lengths)
    return Case(f"masked_mse_{k}", ["masked_mse_visible", "masked_mse_hidden"], code,
                {"pred": pred, "target": target, "lengths": torch.tensor(lengths)},
                (expected, grad))


# Ways of running a batch, defined in the student's kernel by the harness. The lstm is rebuilt
# there from a state dict; each verdict is what a correct checker must answer.
_WAYS = '''
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
'''


def _proof_case(k, layers, bidirectional, lengths):
    with torch.random.fork_rng():
        torch.manual_seed(9800 + k)
        lstm = nn.LSTM(3, 4, num_layers=layers, bidirectional=bidirectional, batch_first=True)
        seqs = [torch.randn(n, 3) for n in lengths]
    inputs = {"state": {n: p.detach().clone() for n, p in lstm.state_dict().items()},
              "seqs": seqs, "n_in": 3, "n_hid": 4, "layers": layers, "bidirectional": bidirectional}
    return Case(f"packed_matches_alone_{k}",
                ["packed_matches_alone_visible", "packed_matches_alone_hidden"], _WAYS, inputs,
                [True, False, False, False])


def cases():
    out = [_collate_case(0, [3, 1, 4]), _collate_case(1, [2, 2, 5, 1, 3])]
    out += [_last_case(0, [2, 5, 1], 6, 3), _last_case(1, [4], 4, 2)]
    out += [_masked_case(0, [3, 1, 4], 5), _masked_case(1, [2, 6], 6)]
    out += [_proof_case(0, 1, False, [5, 2, 4]), _proof_case(1, 2, True, [3, 6, 1, 4])]
    for q in load_quiz("05").questions:
        out.append(Case(f"quiz_{q.id}", [f"quiz_{q.id}"], f"result = quiz_answers.get({q.id!r})",
                        {}, q.answer))
    return out
