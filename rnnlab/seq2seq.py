"""Chapter 10: sequence to sequence with nn.LSTM, with and without attention.

The task is generated here, offline and seeded: reverse a string of letters. Its right
alignment is known (output step j copies input position n - 1 - j), so an attention map can be
checked against the anti-diagonal, and accuracy can be measured for every input length.

Tokens: 0 is padding, 1 begins a decoded sequence (BOS), 2 ends one (EOS), 3.. are the letters.
Everything is batch_first: sources (batch, src_len), targets (batch, tgt_len).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

PAD, BOS, EOS = 0, 1, 2
LETTERS = "abcdefghij"
VOCAB = ["<pad>", "<bos>", "<eos>"] + list(LETTERS)
TRAIN_LENGTHS = (3, 12)  # the lengths training sees (inclusive)


_LETTER_ID = {ch: 3 + k for k, ch in enumerate(LETTERS)}


def encode_text(text: str) -> list[int]:
    """Letters to token ids; anything outside LETTERS is refused with a clear message."""
    try:
        return [_LETTER_ID[ch] for ch in text]
    except KeyError:
        bad = sorted(set(ch for ch in text if ch not in LETTERS))
        raise ValueError(f"only the letters {LETTERS!r} are in the vocabulary, not {''.join(bad)!r}") from None


def decode_tokens(tokens) -> str:
    """Token ids to text, stopping at the first EOS; BOS and padding are dropped."""
    out = []
    for t in (int(t) for t in tokens):
        if t == EOS:
            break
        if t >= 3:
            out.append(VOCAB[t])
    return "".join(out)


def random_strings(n: int, min_len: int, max_len: int, seed: int) -> list[str]:
    """`n` random strings of LETTERS, lengths uniform in [min_len, max_len], from a seed."""
    g = torch.Generator().manual_seed(seed)
    lengths = torch.randint(min_len, max_len + 1, (n,), generator=g).tolist()
    # one draw for every letter of every string: the generator hands out its numbers in order,
    # so this is the same as one draw per string, string after string (and much faster)
    letters = "".join(LETTERS[i] for i in torch.randint(0, len(LETTERS), (sum(lengths),), generator=g).tolist())
    ends = list(itertools.accumulate(lengths))
    return [letters[end - k : end] for k, end in zip(lengths, ends)]


@dataclass
class Batch:
    src: torch.Tensor  # (B, S) letters, padded with PAD
    lengths: torch.Tensor  # (B,) true source lengths (on the CPU, for packing)
    tgt_in: torch.Tensor  # (B, T) BOS + target, padded (teacher forcing's inputs)
    tgt_out: torch.Tensor  # (B, T) target + EOS, padded (what each step should predict)

    @property
    def inputs(self):
        return self.src, self.lengths, self.tgt_in


def make_batch(strings: list[str], task: Callable[[str], str] = lambda s: s[::-1]) -> Batch:
    """Pad a list of source strings and their targets (`task`, reversal by default)."""
    if not strings:
        raise ValueError("make_batch needs at least one string")
    srcs = [encode_text(s) for s in strings]
    tgts = [encode_text(task(s)) for s in strings]
    S, T = max(map(len, srcs)), max(map(len, tgts)) + 1
    # padded as lists, then one tensor each (training builds a batch at every step)
    src = torch.tensor([s + [PAD] * (S - len(s)) for s in srcs], dtype=torch.long)
    tgt_in = torch.tensor([[BOS] + t + [PAD] * (T - 1 - len(t)) for t in tgts], dtype=torch.long)
    tgt_out = torch.tensor([t + [EOS] + [PAD] * (T - 1 - len(t)) for t in tgts], dtype=torch.long)
    return Batch(src, torch.tensor([len(s) for s in srcs]), tgt_in, tgt_out)


def padding_mask(lengths: torch.Tensor, max_len: int) -> torch.Tensor:
    """(B, max_len) boolean: True at real positions, False at padding."""
    return torch.arange(max_len) < torch.as_tensor(lengths).reshape(-1, 1)


def masked_softmax(scores: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Softmax over the last dimension with masked-out (False) positions set to -inf first,
    so they get exactly zero weight. A row with no real position is refused."""
    if not bool(mask.any(-1).all()):
        raise ValueError("every row needs at least one real (unmasked) position")
    return scores.masked_fill(~mask, float("-inf")).softmax(-1)


class Seq2Seq(nn.Module):
    """Embedding -> LSTM encoder -> LSTM decoder started from the encoder's final (h, c).

    attention=None: the decoder sees the source only through that final state (the bottleneck).
    attention="dot" (Luong et al. 2015) or "additive" (Bahdanau et al. 2015): at every decoder
    step the new hidden state h_t scores every encoder output, a softmax over the real (unpadded)
    positions turns the scores into weights, the context is the weighted sum of encoder outputs,
    and the prediction comes from tanh(W_c [context; h_t]).
    """

    def __init__(
        self, hidden_size: int = 64, embed_size: int = 32, attention: str | None = None, vocab_size: int = len(VOCAB)
    ):
        super().__init__()
        if attention not in (None, "dot", "additive"):
            raise ValueError(f"attention must be None, 'dot' or 'additive', not {attention!r}")
        self.attention, self.hidden_size = attention, hidden_size
        self.embed = nn.Embedding(vocab_size, embed_size, padding_idx=PAD)
        self.encoder = nn.LSTM(embed_size, hidden_size, batch_first=True)
        self.decoder = nn.LSTM(embed_size, hidden_size, batch_first=True)
        if attention == "additive":
            self.w_query = nn.Linear(hidden_size, hidden_size, bias=False)
            self.w_key = nn.Linear(hidden_size, hidden_size)
            self.v = nn.Linear(hidden_size, 1, bias=False)
        if attention is not None:
            self.combine = nn.Linear(2 * hidden_size, hidden_size)
        self.out = nn.Linear(hidden_size, vocab_size)

    def encode(self, src: torch.Tensor, lengths: torch.Tensor):
        """Encoder outputs (B, S, H), the final (h, c) of each sequence's last real step, and
        the padding mask (B, S)."""
        packed = pack_padded_sequence(
            self.embed(src), torch.as_tensor(lengths).cpu(), batch_first=True, enforce_sorted=False
        )
        out, state = self.encoder(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=src.shape[1])
        return out, state, padding_mask(lengths, src.shape[1])

    def scores(self, h: torch.Tensor, enc_out: torch.Tensor) -> torch.Tensor:
        """Attention scores of decoder states h (B, T, H) against encoder outputs (B, S, H):
        (B, T, S)."""
        if self.attention == "dot":
            return h @ enc_out.transpose(1, 2)
        q = self.w_query(h).unsqueeze(2)  # (B, T, 1, H)
        k = self.w_key(enc_out).unsqueeze(1)  # (B, 1, S, H)
        return self.v(torch.tanh(q + k)).squeeze(-1)  # (B, T, S)

    def read(self, h: torch.Tensor, enc_out: torch.Tensor, mask: torch.Tensor):
        """Logits (B, T, V) from decoder states h (B, T, H), and attention weights (B, T, S) or None."""
        if self.attention is None:
            return self.out(h), None
        weights = masked_softmax(self.scores(h, enc_out), mask.unsqueeze(1))
        context = weights @ enc_out  # (B, T, H)
        return self.out(torch.tanh(self.combine(torch.cat([context, h], -1)))), weights

    def forward(self, src, lengths=None, tgt_in=None):
        """Teacher forcing: logits (B, T, V) for every target step, given the true previous
        tokens `tgt_in`. Also callable with one tuple (src, lengths, tgt_in)."""
        if lengths is None:
            src, lengths, tgt_in = src
        enc_out, state, mask = self.encode(src, lengths)
        h, _ = self.decoder(self.embed(tgt_in), state)
        return self.read(h, enc_out, mask)[0]

    def step(self, tokens: torch.Tensor, state, enc_out: torch.Tensor, mask: torch.Tensor):
        """One decoder step for a batch: previous tokens (B,) -> log-probabilities (B, V),
        the new state, and the attention weights (B, S) or None."""
        h, state = self.decoder(self.embed(tokens).unsqueeze(1), state)
        logits, weights = self.read(h, enc_out, mask)
        return logits[:, 0].log_softmax(-1), state, None if weights is None else weights[:, 0]


def seq2seq_loss(logits: torch.Tensor, tgt_out: torch.Tensor) -> torch.Tensor:
    """Cross-entropy over every real target step (padding ignored)."""
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tgt_out.reshape(-1), ignore_index=PAD)


def training_batch(step: int, seed: int = 0, batch_size: int = 64, lengths=TRAIN_LENGTHS) -> list[str]:
    """The strings `train_seq2seq(..., seed=seed)` trains on at `step`: a fresh draw at every step."""
    return random_strings(batch_size, *lengths, seed=seed * 1_000_003 + step)


def train_seq2seq(
    model: Seq2Seq,
    steps: int = 600,
    batch_size: int = 64,
    lengths=TRAIN_LENGTHS,
    lr: float = 3e-3,
    seed: int = 0,
    progress: bool = True,
    desc: str | None = None,
):
    """Teacher-forced training on fresh random strings at every step (seeded); returns the
    History of `rnnlab.train.fit` (with its progress bar)."""
    from .train import fit

    def batch(step):
        b = make_batch(training_batch(step, seed, batch_size, lengths))
        return b.inputs, b.tgt_out

    return fit(
        model,
        batch,
        seq2seq_loss,
        steps,
        lr=lr,
        clip=1.0,
        progress=progress,
        desc=desc or f"seq2seq, attention={model.attention}",
    )


@torch.no_grad()
def greedy_decode(model: Seq2Seq, src: torch.Tensor, lengths: torch.Tensor, max_len: int | None = None):
    """Greedy decoding of a batch: tokens (B, L) (PAD after each row's EOS) and attention
    weights (B, L, S) (zeros without attention). Stops when every row has emitted EOS."""
    model.eval()
    enc_out, state, mask = model.encode(src, lengths)
    B, S = src.shape
    max_len = max_len or S + 2
    tokens = torch.full((B,), BOS)
    done = torch.zeros(B, dtype=torch.bool)
    out, maps = [], []
    for _ in range(max_len):
        logp, state, weights = model.step(tokens, state, enc_out, mask)
        tokens = logp.argmax(-1)
        out.append(torch.where(done, torch.full_like(tokens, PAD), tokens))
        maps.append(torch.zeros(B, S) if weights is None else weights)
        done |= tokens == EOS
        if bool(done.all()):
            break
    return torch.stack(out, 1), torch.stack(maps, 1)


def reverse_text(model: Seq2Seq, text: str, max_len: int | None = None):
    """The model's greedy answer for one string, and its attention map (output steps x input
    positions, the EOS step included)."""
    b = make_batch([text])
    tokens, maps = greedy_decode(model, b.src, b.lengths, max_len)
    steps = int((tokens[0] != PAD).sum())
    return decode_tokens(tokens[0]), maps[0, :steps]


def match_scores(predicted: torch.Tensor, tgt_out: torch.Tensor) -> tuple[float, float]:
    """(exact match, per-token accuracy) of decoded tokens against targets (both padded with
    PAD after EOS). Exact match: the whole target, EOS included, and nothing after it.
    Per token: share of the real target positions (EOS included) predicted right."""
    L = max(predicted.shape[1], tgt_out.shape[1])
    p = F.pad(predicted, (0, L - predicted.shape[1]), value=PAD)
    t = F.pad(tgt_out, (0, L - tgt_out.shape[1]), value=PAD)
    real = t != PAD
    exact = ((p == t) | ~real).all(1) & ((p != PAD) == real).all(1)
    per_token = ((p == t) & real).sum().double() / real.sum()
    return float(exact.double().mean()), float(per_token)


def evaluation_strings(length: int, n: int = 200, seed: int = 10_000) -> list[str]:
    """The `n` strings of `length` letters that chapter 10 scores its models on."""
    return random_strings(n, length, length, seed=seed + length)


def accuracy_by_length(model: Seq2Seq, lengths, n: int = 200, seed: int = 10_000) -> dict[int, tuple[float, float]]:
    """{length: (exact match, per-token accuracy)} of greedy decoding on the `n` test strings of
    each length (`evaluation_strings`). Drawn apart from training, they are not all new to the
    shipped models: short ones come round in training too (`seen_in_training` counts them)."""
    results = {}
    for k in lengths:
        b = make_batch(evaluation_strings(k, n, seed))
        predicted, _ = greedy_decode(model, b.src, b.lengths, max_len=k + 3)
        results[k] = match_scores(predicted, b.tgt_out)
    return results


def accuracy_by_position(model: Seq2Seq, length: int, n: int = 200, seed: int = 10_000) -> list[float]:
    """Share of the `n` test strings of `length` letters (the strings accuracy_by_length uses, not
    all new to the shipped models when short) whose greedy output is right at each output
    position: `length` letters, then EOS."""
    b = make_batch(evaluation_strings(length, n, seed))
    predicted, _ = greedy_decode(model, b.src, b.lengths, max_len=length + 3)
    T = b.tgt_out.shape[1]
    predicted = F.pad(predicted, (0, max(0, T - predicted.shape[1])), value=PAD)[:, :T]
    return (predicted == b.tgt_out).double().mean(0).tolist()


def seen_in_training(lengths, n: int = 200, steps: int | None = None, seed: int | None = None) -> dict[int, int]:
    """For each length, how many of its `n` test strings (`evaluation_strings`) the shipped models also
    trained on: every batch is fresh, but with ten letters the short strings come round again."""
    steps = SHIPPED_STEPS if steps is None else steps
    seed = SHIPPED_SEED if seed is None else seed
    seen = set()
    for step in range(steps):
        seen.update(training_batch(step, seed))
    return {k: sum(text in seen for text in evaluation_strings(k, n)) for k in lengths}


# ---- beam search, on any step function ------------------------------------------------------


@dataclass
class Beam:
    tokens: tuple[int, ...]  # decoded tokens after BOS (the search's eos last if finished)
    logprob: float
    state: object = None
    finished: bool = False  # ends with the eos that beam_search was given


def beam_search(
    step: Callable, state, width: int, max_len: int, bos: int = BOS, eos: int = EOS, trace: list | None = None
) -> list[Beam]:
    """Beam search of width `width` for one sequence.

    `step(token, state)` returns (log-probabilities over the vocabulary (V,), new state). Each
    step extends every unfinished beam by every token, keeps the `width` best candidates by
    total log-probability (ties: the lexicographically smaller token sequence), and sets
    finished ones (ending in `eos`) aside. Stops when `width` beams have finished or after
    `max_len` steps. Returns the finished beams (and, if fewer than `width`, the best
    unfinished ones), best first by total log-probability, the course's one ranking rule. It
    has no length penalty: every token adds a negative log-probability, so totals favour
    shorter outputs (problem set 10 ranks by the total divided by the length instead).
    `trace`, if given, receives the kept beams of every step.
    """
    if width < 1 or max_len < 1:
        raise ValueError("width and max_len must be at least 1")
    alive, finished = [Beam((), 0.0, state)], []
    for _ in range(max_len):
        candidates = []
        for beam in alive:
            last = beam.tokens[-1] if beam.tokens else bos
            logp, new_state = step(last, beam.state)
            for token, lp in enumerate(logp.tolist()):
                candidates.append(Beam(beam.tokens + (token,), beam.logprob + lp, new_state, token == eos))
        candidates.sort(key=lambda b: (-b.logprob, b.tokens))
        kept = candidates[:width]
        if trace is not None:
            trace.append(kept)
        finished += [b for b in kept if b.finished]
        alive = [b for b in kept if not b.finished]
        if len(finished) >= width or not alive:
            break
    ranked = sorted(finished, key=lambda b: (-b.logprob, b.tokens))
    return ranked + sorted(alive, key=lambda b: (-b.logprob, b.tokens))[: width - len(ranked)]


def model_stepper(model: Seq2Seq, text: str):
    """(step, state) for beam_search on one source string: step(token, state) runs one
    decoder step of `model` and returns (log-probabilities (V,), new state)."""
    b = make_batch([text])
    model.eval()
    with torch.no_grad():
        enc_out, state, mask = model.encode(b.src, b.lengths)

    @torch.no_grad()
    def step(token: int, state):
        logp, new_state, _ = model.step(torch.tensor([token]), state, enc_out, mask)
        return logp[0], new_state

    return step, state


def beam_answers(model: Seq2Seq, texts: list[str], width: int, max_len: int | None = None) -> list[Beam]:
    """The best beam of `beam_search` of width `width` for each text (at most the text's length
    + 3 steps, as the beam explorer searches).

    For a model without attention the texts are searched side by side (`_batched_beams`): the
    same search, with one decoder call per step for the beams of every text instead of one per
    beam. Models with attention are searched text by text with `beam_search`."""
    limits = [max_len or len(text) + 3 for text in texts]
    if not texts:
        return []
    if width < 1 or min(limits) < 1:
        raise ValueError("width and max_len must be at least 1")
    if model.attention is None:
        return _batched_beams(model, texts, width, limits)
    out = []
    for text, limit in zip(texts, limits):
        step, state = model_stepper(model, text)
        out.append(beam_search(step, state, width, limit)[0])
    return out


@torch.no_grad()
def _batched_beams(model: Seq2Seq, texts: list[str], width: int, limits: list[int]) -> list[Beam]:
    """`beam_search(*model_stepper(model, text), width, limit)[0]` for every text and its limit,
    for a model without attention, with the beams of all texts in one batch at every step.

    The rule is beam_search's, step for step: every unfinished beam is extended by every token,
    the `width` best candidates by total log-probability are kept (equal totals: the lower token
    sequence first), finished ones are set aside, and a text is done once `width` have finished,
    none is left, or after its `limit` steps; its answer is the best finished beam, or the best
    unfinished one if none finished. Totals are summed in float64 from the float32
    log-probabilities, in the order of beam_search's Python floats. Texts of one length are
    encoded together (no padding), and the output layer multiplies each beam's state on its own
    (`baddbmm`: one row per product) as one sequence's step does. On the machine that made the
    course's outputs the log-probabilities are then the same bits as beam_search's; a BLAS that
    rounds a batch differently changes them in the last bits only."""
    model.eval()
    V, H = model.out.out_features, model.hidden_size
    B = len(texts)
    h, c = torch.empty(1, B, H), torch.empty(1, B, H)
    by_length: dict[int, list[int]] = {}
    for i, text in enumerate(texts):
        by_length.setdefault(len(text), []).append(i)
    for rows in by_length.values():
        batch = make_batch([texts[i] for i in rows])
        _, (h_len, c_len), _ = model.encode(batch.src, batch.lengths)
        h[:, rows], c[:, rows] = h_len, c_len
    # a beam: (tokens, total, row of the state tensors it continues from, those tensors)
    alive = [[((), 0.0, i, (h, c))] for i in range(B)]
    finished: list[list[tuple]] = [[] for _ in range(B)]
    open_texts = list(range(B))
    for step in range(max(limits)):
        open_texts = [i for i in open_texts if step < limits[i]]
        if not open_texts:
            break
        # each text's beams in the order of their tokens: a stable sort by total then keeps,
        # among equal totals, the lower token sequence first, as beam_search's sort does
        beams = [sorted(alive[i], key=lambda beam: beam[0]) for i in open_texts]
        parents = [beam for text_beams in beams for beam in text_beams]
        R, rows = len(parents), torch.tensor([beam[2] for beam in parents])
        last = torch.tensor([beam[0][-1] if beam[0] else BOS for beam in parents])
        out, (h, c) = model.decoder(model.embed(last).unsqueeze(1), (h[:, rows], c[:, rows]))
        logits = torch.baddbmm(model.out.bias.view(1, 1, V), out, model.out.weight.T.expand(R, H, V))
        totals = (
            torch.tensor([beam[1] for beam in parents], dtype=torch.float64)[:, None]
            + logits[:, 0].log_softmax(-1).double()
        )  # (R, V)
        # one row of width * V candidates per text: its beams' rows first, -inf in empty slots
        slots = torch.tensor([t * width + j for t, text_beams in enumerate(beams) for j in range(len(text_beams))])
        table = torch.full((len(open_texts) * width, V), -math.inf, dtype=torch.float64)
        table[slots] = totals
        best = table.view(len(open_texts), width * V).sort(dim=1, descending=True, stable=True)
        order, values = best.indices[:, :width].tolist(), best.values[:, :width].tolist()
        first_row, still_open = 0, []
        for t, i in enumerate(open_texts):
            n = len(beams[t])
            kept = []
            for k, total in zip(order[t], values[t]):
                j, token = divmod(k, V)  # candidate k: beam j, then token
                if j < n:  # (not an empty slot)
                    kept.append((beams[t][j][0] + (token,), total, first_row + j, (h, c)))
            first_row += n
            finished[i] += [beam for beam in kept if beam[0][-1] == EOS]
            alive[i] = [beam for beam in kept if beam[0][-1] != EOS]
            if len(finished[i]) < width and alive[i]:
                still_open.append(i)
        open_texts = still_open

    def as_beam(beam, done):
        tokens, total, row, (h_step, c_step) = beam
        return Beam(tokens, total, (h_step[:, row : row + 1], c_step[:, row : row + 1]), done)

    def ranking(beam):  # beam_search's: total, then tokens
        return -beam[1], beam[0]

    return [
        as_beam(min(finished[i], key=ranking), True) if finished[i] else as_beam(min(alive[i], key=ranking), False)
        for i in range(B)
    ]


# ---- shipped weights: made by `python -m rnnlab.seq2seq make-weights`, from fixed seeds -------

DATA = __import__("pathlib").Path(__file__).resolve().parent / "data"
SHIPPED_STEPS = 2000
SHIPPED_SEED = 0


def weights_path(attention: str | None):
    return DATA / f"seq2seq_{attention or 'none'}.pt"


def make_weights(
    attention: str | None, steps: int = SHIPPED_STEPS, seed: int = SHIPPED_SEED, progress: bool = True
) -> tuple[Seq2Seq, list[float]]:
    """Train the shipped model of one kind from its fixed seed: (model, loss of every step)."""
    torch.manual_seed(seed)
    model = Seq2Seq(attention=attention)
    history = train_seq2seq(model, steps=steps, seed=seed, progress=progress)
    return model, history.loss


def spread_seed(seed: int) -> dict[str, dict[str, float]]:
    """Chapter 10's three models trained as the shipped ones are (SHIPPED_STEPS steps), from `seed`:
    exact match of greedy decoding at the longest trained length and beyond it (one seed of
    `python -m rnnlab.spread make seq2seq`)."""
    lengths = (TRAIN_LENGTHS[1], TRAIN_LENGTHS[1] + 1, TRAIN_LENGTHS[1] + 4)
    out = {f"exact match at {k} letters": {} for k in lengths}
    for kind in ("none", "dot", "additive"):
        model, _ = make_weights(None if kind == "none" else kind, seed=seed, progress=False)
        scores = accuracy_by_length(model.eval(), lengths, n=200)
        for k in lengths:
            out[f"exact match at {k} letters"][ARM_NAMES[kind]] = scores[k][0]
    return out


ARM_NAMES = {"none": "no attention", "dot": "dot-product", "additive": "additive"}
spread_seed.LOWER_IS_BETTER = False


def load_trained(attention: str | None) -> Seq2Seq:
    """The shipped model of one kind (trained for SHIPPED_STEPS steps by make_weights).

    Under RNNLAB_UNTRAINED=1 (the setting that checks the lectures' claims) this is the model as
    initialised from the same seed, without the trained weights: every claim about the trained
    model must then fail (`rnnlab.shipped.load_shipped`)."""
    from .shipped import load_shipped

    torch.manual_seed(SHIPPED_SEED)
    return load_shipped(
        Seq2Seq(attention=attention), weights_path(attention).name, "python -m rnnlab.seq2seq make-weights"
    )


def curve_path(attention: str | None):
    return DATA / f"seq2seq_{attention or 'none'}_loss.json"


def _main(argv=None) -> int:
    import argparse
    import json

    parser = argparse.ArgumentParser(
        prog="python -m rnnlab.seq2seq", description="Make chapter 10's shipped weights from fixed seeds."
    )
    parser.add_argument("command", choices=["make-weights"])
    parser.add_argument("--kinds", nargs="*", default=["none", "dot", "additive"], choices=["none", "dot", "additive"])
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    for kind in args.kinds:
        attention = None if kind == "none" else kind
        model, losses = make_weights(attention)
        torch.save(model.state_dict(), weights_path(attention))
        curve_path(attention).write_text(
            json.dumps({"steps": SHIPPED_STEPS, "seed": SHIPPED_SEED, "loss": [round(x, 6) for x in losses]})
        )
        print(f"{weights_path(attention).name}: {weights_path(attention).stat().st_size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())
