"""Chapter 11: recurrence in parallel. minGRU and minLSTM, scans, and a Transformer beside them.

An LSTM's or a GRU's gates read h_{t-1}, so step t cannot start before step t-1 is done.
minGRU and minLSTM (Feng, Tung, Ahmed, Bengio and Hajimirsadeghi 2024, "Were RNNs All We
Needed?") compute their gates from x_t alone. What is left is a linear recurrence

    h_t = a_t * h_{t-1} + b_t        (elementwise; a_t, b_t known for every t at once)

which three functions here evaluate: `scan_loop` one step after the other, `scan_levels` /
`scan_tree` as a parallel scan of ceil(log2 T) levels (every level one vectorised operation), and
`log_scan` in log space with a cumulative sum and a cumulative log-sum-exp (Heinsen 2023), the
form that stays finite over long sequences.

Everything is batch_first: a, b and h are (batch, seq_len, hidden); h0 is (batch, hidden).
"""

from __future__ import annotations

import math
import statistics
import time

import torch
from torch import nn
from torch.nn import functional as F

from .language_model import Vocab, code_corpus, parameter_count  # noqa: F401 (chapter 11 imports it from here)


# ------------------------------------------------------------------------------------ the scans
def _check_scan(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None) -> None:
    if a.dim() != 3 or a.shape != b.shape:
        raise ValueError(f"a and b must both be (batch, seq_len, hidden), got {tuple(a.shape)} and {tuple(b.shape)}")
    if h0 is not None and h0.shape != (a.shape[0], a.shape[2]):
        raise ValueError(f"h0 must be (batch, hidden) = {(a.shape[0], a.shape[2])}, got {tuple(h0.shape)}")


def scan_loop(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """h_t = a_t * h_{t-1} + b_t, one step after the other (h0 = zeros when None): (batch, T, hidden)."""
    _check_scan(a, b, h0)
    h = torch.zeros_like(a[:, 0]) if h0 is None else h0
    out = []
    for t in range(a.shape[1]):
        h = a[:, t] * h + b[:, t]
        out.append(h)
    return torch.stack(out, dim=1)


def combine(earlier: tuple[torch.Tensor, torch.Tensor], later: tuple[torch.Tensor, torch.Tensor]):
    """Two stretches of steps as one: h -> a1 h + b1, then h -> a2 h + b2, is h -> (a2 a1) h + (a2 b1 + b2).

    The operation is associative, which is all a parallel scan needs."""
    (a1, b1), (a2, b2) = earlier, later
    return a2 * a1, a2 * b1 + b2


def scan_levels(a: torch.Tensor, b: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The levels of a parallel scan (Hillis and Steele): level 0 is (a, b); at level k every step t
    combines what it holds with what step t - 2^(k-1) holds, so after level k step t holds the
    composition of the 2^k steps ending at t (fewer near the start). After ceil(log2 T) levels,
    step t holds (A_t, B_t) with h_t = A_t * h0 + B_t. Every level is one vectorised operation."""
    _check_scan(a, b, None)
    levels = [(a, b)]
    span = 1
    while span < a.shape[1]:
        A, B = levels[-1]
        A_new, B_new = combine((A[:, :-span], B[:, :-span]), (A[:, span:], B[:, span:]))
        levels.append((torch.cat([A[:, :span], A_new], dim=1), torch.cat([B[:, :span], B_new], dim=1)))
        span *= 2
    return levels


def scan_tree(a: torch.Tensor, b: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
    """The same h as `scan_loop`, from the last level of `scan_levels`."""
    _check_scan(a, b, h0)
    A, B = scan_levels(a, b)[-1]
    return B if h0 is None else A * h0.unsqueeze(1) + B


def log_scan(log_a: torch.Tensor, log_b: torch.Tensor, log_h0: torch.Tensor | None = None) -> torch.Tensor:
    """log h for h_t = a_t * h_{t-1} + b_t with positive a, b and h0, given their logarithms.

    Unrolled, h_t = (a_1...a_t) h0 + sum_k (a_{k+1}...a_t) b_k. With s_t = log a_1 + ... + log a_t
    (a cumulative sum), every term's log is s_t plus something that does not depend on t:
    log h_t = s_t + logsumexp(log h0, log b_k - s_k for k <= t), a cumulative log-sum-exp.
    No product of many numbers below 1 is ever formed, so nothing underflows to 0."""
    _check_scan(log_a, log_b, log_h0)
    s = torch.cumsum(log_a, dim=1)
    inner = torch.logcumsumexp(log_b - s, dim=1)
    if log_h0 is not None:
        inner = torch.logaddexp(inner, log_h0.unsqueeze(1))
    return s + inner


# ------------------------------------------------------------------------------------ minGRU, minLSTM
def g(x: torch.Tensor) -> torch.Tensor:
    """The paper's positive activation for the candidate state: x + 1/2 for x >= 0, sigmoid(x) below.
    Continuous at 0 (both 1/2), always positive, so h stays positive and has a logarithm."""
    return torch.where(x >= 0, x + 0.5, torch.sigmoid(x))


def log_g(x: torch.Tensor) -> torch.Tensor:
    """log g(x), computed without forming g(x) where it would underflow."""
    return torch.where(x >= 0, torch.log(F.relu(x) + 0.5), -F.softplus(-x))


class MinGRU(nn.Module):
    """minGRU: z_t = sigmoid(Linear(x_t)), h~_t = g(Linear(x_t)), h_t = (1 - z_t) h_{t-1} + z_t h~_t.

    No gate reads h_{t-1}: a_t = 1 - z_t and b_t = z_t h~_t are known for all t before the
    recurrence starts. `forward(x, h0, mode)` evaluates it with mode "scan" (log space, the whole
    sequence at once) or "loop" (step by step); `step` is one step, for generation."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None, mode: str = "scan"):
        """x: (batch, seq_len, input_size) -> (h for every step, h at the last step)."""
        k, pre = self.linear_z(x), self.linear_h(x)
        if mode == "scan":
            log_z = -F.softplus(-k)  # log sigmoid(k)
            log_one_minus_z = -F.softplus(k)  # log (1 - sigmoid(k))
            h = log_scan(log_one_minus_z, log_z + log_g(pre), None if h0 is None else torch.log(h0)).exp()
        elif mode == "loop":
            z = torch.sigmoid(k)
            h = scan_loop(1 - z, z * g(pre), h0)
        else:
            raise ValueError(f"mode must be 'scan' or 'loop', not {mode!r}")
        return h, h[:, -1]

    def step(self, x_t: torch.Tensor, h: torch.Tensor | None) -> torch.Tensor:
        """One step: x_t (batch, input_size), h (batch, hidden) or None -> the next h."""
        z = torch.sigmoid(self.linear_z(x_t))
        h = torch.zeros_like(z) if h is None else h
        return (1 - z) * h + z * g(self.linear_h(x_t))


class MinLSTM(nn.Module):
    """minLSTM: f_t, i_t = sigmoid(Linear(x_t)), normalised to f_t / (f_t + i_t) and i_t / (f_t + i_t),
    h_t = f'_t h_{t-1} + i'_t g(Linear(x_t)): no output gate, no separate cell state."""

    def __init__(self, input_size: int, hidden_size: int):
        super().__init__()
        self.hidden_size = hidden_size
        self.linear_f = nn.Linear(input_size, hidden_size)
        self.linear_i = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)

    def forward(self, x: torch.Tensor, h0: torch.Tensor | None = None, mode: str = "scan"):
        kf, ki, pre = self.linear_f(x), self.linear_i(x), self.linear_h(x)
        if mode == "scan":
            # log f' = log f - log(f + i) = -softplus(log i - log f), with log sigmoid(k) = -softplus(-k)
            diff = F.softplus(-kf) - F.softplus(-ki)
            h = log_scan(
                -F.softplus(diff), -F.softplus(-diff) + log_g(pre), None if h0 is None else torch.log(h0)
            ).exp()
        elif mode == "loop":
            f, i = torch.sigmoid(kf), torch.sigmoid(ki)
            h = scan_loop(f / (f + i), i / (f + i) * g(pre), h0)
        else:
            raise ValueError(f"mode must be 'scan' or 'loop', not {mode!r}")
        return h, h[:, -1]


# ------------------------------------------------------------------------------------ language models
class MinGRULM(nn.Module):
    """A character model: embedding, `num_layers` blocks (x + minGRU(LayerNorm(x)), then x + MLP(LayerNorm(x))),
    LayerNorm, a linear layer over the vocabulary. The blocks follow the paper's language models
    (residual connections and normalisation around each minGRU), without its convolution.

    forward(x, state) -> (logits, state) like chapter 09's CharLM: `state` is the list of every
    layer's last h, and passing it back continues the text, so each character costs the same."""

    def __init__(self, vocab_size: int, size: int = 48, num_layers: int = 2, mlp: int = 96):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, size)
        self.norms1 = nn.ModuleList(nn.LayerNorm(size) for _ in range(num_layers))
        self.cells = nn.ModuleList(MinGRU(size, size) for _ in range(num_layers))
        self.norms2 = nn.ModuleList(nn.LayerNorm(size) for _ in range(num_layers))
        self.mlps = nn.ModuleList(
            nn.Sequential(nn.Linear(size, mlp), nn.GELU(), nn.Linear(mlp, size)) for _ in range(num_layers)
        )
        self.norm = nn.LayerNorm(size)
        self.out = nn.Linear(size, vocab_size)

    def forward(self, x: torch.Tensor, state=None, mode: str = "scan"):
        h = self.embed(x)
        state = [None] * len(self.cells) if state is None else state
        new_state = []
        for norm1, cell, norm2, mlp, h0 in zip(self.norms1, self.cells, self.norms2, self.mlps, state):
            y, last = cell(norm1(h), h0, mode=mode)
            h = h + y
            h = h + mlp(norm2(h))
            new_state.append(last)
        return self.out(self.norm(h)), new_state


class TransformerLM(nn.Module):
    """A small causal Transformer: embedding plus a learned position embedding, `num_layers` of
    nn.TransformerEncoderLayer (pre-norm, no dropout) with a causal mask, LayerNorm, a linear
    layer over the vocabulary. It reads at most `context` characters.

    forward(x, state) -> (logits, None): it keeps no state; to continue a text it reads the whole
    prefix again (or keeps every past key and value, which grows with the text)."""

    def __init__(
        self,
        vocab_size: int,
        size: int = 48,
        num_layers: int = 1,
        heads: int = 4,
        feedforward: int = 96,
        context: int = 1024,
    ):
        super().__init__()
        self.context = context
        self.embed = nn.Embedding(vocab_size, size)
        self.position = nn.Embedding(context, size)
        layer = nn.TransformerEncoderLayer(size, heads, feedforward, dropout=0.0, batch_first=True, norm_first=True)
        self.layers = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(size)
        self.out = nn.Linear(size, vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        T = x.shape[1]
        if T > self.context:
            raise ValueError(f"this Transformer reads at most {self.context} characters, not {T}")
        positions = torch.arange(T, device=x.device)
        mask = nn.Transformer.generate_square_subsequent_mask(T, device=x.device)
        h = self.layers(self.embed(x) + self.position(positions), mask=mask, is_causal=True)
        return self.out(self.norm(h)), None


class LoopLM(nn.Module):
    """Chapter 09's model (embedding, nn.GRU or nn.LSTM, linear) with the forward(x, state) of the others."""

    def __init__(self, vocab_size: int, size: int = 48, hidden_size: int = 48, cell: str = "lstm"):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, size)
        self.rnn = (nn.LSTM if cell == "lstm" else nn.GRU)(size, hidden_size, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)

    def forward(self, x: torch.Tensor, state=None):
        y, state = self.rnn(self.embed(x), state)
        return self.out(y), state


# the arms of chapter 11's comparison, at about equal parameter counts (parameter_count prints them)
ARMS = {
    "minGRU": lambda vocab_size: MinGRULM(vocab_size, size=48, num_layers=2, mlp=48),
    "GRU": lambda vocab_size: LoopLM(vocab_size, hidden_size=57, cell="gru"),
    "LSTM": lambda vocab_size: LoopLM(vocab_size, hidden_size=48, cell="lstm"),
    "Transformer": lambda vocab_size: TransformerLM(
        vocab_size, size=48, num_layers=1, heads=2, feedforward=64, context=WINDOW
    ),
}
WINDOW = 64  # every model reads windows of this many characters, from an empty state


def windows(ids: torch.Tensor, window: int = WINDOW) -> torch.Tensor:
    """The stream cut into non-overlapping windows of `window` + 1 ids (inputs and the targets after them)."""
    n = (len(ids) - 1) // window
    if n < 1:
        raise ValueError(f"{len(ids)} ids are too few for one window of {window}")
    starts = torch.arange(n) * window
    return torch.stack([ids[s : s + window + 1] for s in starts.tolist()])


def random_windows(ids: torch.Tensor, batch: int, generator: torch.Generator, window: int = WINDOW) -> torch.Tensor:
    """`batch` windows of `window` + 1 ids (inputs and the targets after them), each starting at a
    position drawn uniformly from every one possible (0 to len(ids) - window - 1), from `generator`.

    Windows at fixed offsets (0, window, 2 window, ...) would show a model the same few hundred
    windows again and again, each character always at the same position: a model with learned
    positions can memorise them. Drawn at every offset, a character is seen at every position."""
    starts = len(ids) - window
    if starts < 1:
        raise ValueError(f"{len(ids)} ids are too few for one window of {window}")
    first = torch.randint(starts, (batch,), generator=generator)
    return ids[first.unsqueeze(1) + torch.arange(window + 1)]


def window_steps(
    model: nn.Module, ids: torch.Tensor, batch: int = 32, lr: float = 3e-3, seed: int = 0, window: int = WINDOW
):
    """Adam on batches of `random_windows` of the stream (drawn from a generator seeded with `seed`),
    each read from an empty state, gradient norm clipped at 1: yields the loss of every step, for as
    long as it is asked."""
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    while True:
        model.train()
        rows = random_windows(ids, batch, gen, window)
        logits, _ = model(rows[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), rows[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        model.eval()
        yield loss.item()


def train_windows(model: nn.Module, ids: torch.Tensor, steps: int, **options) -> list[float]:
    """`steps` steps of `window_steps` (same options); the loss of every step."""
    return [loss for loss, _ in zip(window_steps(model, ids, **options), range(steps))]


@torch.no_grad()
def window_cross_entropy(model: nn.Module, ids: torch.Tensor, window: int = WINDOW) -> float:
    """Mean cross-entropy (nats per character) over the non-overlapping `windows` of ids, each read from
    an empty state."""
    model.eval()
    data = windows(ids, window)
    logits, _ = model(data[:, :-1])
    return float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]).double(), data[:, 1:].reshape(-1)))


# ------------------------------------------------------------------------------------ timing
def median_time(fn, repeats: int = 5, warmup: int = 1) -> float:
    """The median of `repeats` processor times of fn(), in seconds, after `warmup` calls.

    Processor time (`time.process_time`: what this process used, all its threads together) leaves
    out the time other programs take on a busy machine, which wall-clock time counts; the median
    of several runs then sets aside a run slowed by caches another program emptied. With the
    course's one thread, an idle machine gives the same figure as a wall clock."""
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times)


def layer_for(kind: str, size: int) -> nn.Module:
    if kind.startswith("minGRU"):
        return MinGRU(size, size)
    if kind in ("GRU", "LSTM"):
        return (nn.GRU if kind == "GRU" else nn.LSTM)(size, size, batch_first=True)
    raise ValueError(f"unknown layer {kind!r}")


LAYERS = ("minGRU (scan)", "minGRU (loop)", "GRU", "LSTM")


def training_step_time(
    kind: str, length: int, batch: int = 4, size: int = 64, repeats: int = 3, seed: int = 0
) -> float:
    """Seconds of one forward and backward pass of one layer of `kind` (one of LAYERS) over a batch of
    random sequences of `length` steps: the median of `repeats` runs (`median_time`)."""
    torch.manual_seed(seed)
    layer = layer_for(kind, size)
    x = torch.randn(batch, length, size)
    mode = "loop" if kind.endswith("(loop)") else "scan"

    def once():
        layer.zero_grad()
        out = layer(x, mode=mode)[0] if isinstance(layer, MinGRU) else layer(x)[0]
        out.sum().backward()

    return median_time(once, repeats=repeats)


@torch.no_grad()
def generation_time(model: nn.Module, prefix_length: int, new: int = 8, repeats: int = 5, least: float = 0.02) -> float:
    """Seconds per generated character after a prefix of `prefix_length` characters: the median of
    `repeats` runs (`median_time`), each of `new` greedy characters, repeated within a run until it
    takes at least about `least` seconds (one pass, if that already takes longer): a run of a few
    milliseconds is mostly noise on a busy machine.

    A recurrent model carries its state and reads one character per step; the Transformer (no
    cache of keys and values) reads the whole prefix again for every new character."""
    model.eval()
    prefix = torch.zeros(1, prefix_length, dtype=torch.long)
    recurrent = not isinstance(model, TransformerLM)
    _, state = model(prefix) if recurrent else (None, None)

    def once():
        s, text = state, prefix
        for _ in range(new):
            if recurrent:
                logits, s = model(text[:, -1:], s)
            else:
                logits, _ = model(text[:, -model.context :])
            text = torch.cat([text, logits[:, -1:].argmax(-1)], dim=1)

    once()  # warm-up: the first call is slower
    start = time.process_time()
    once()
    rounds = max(1, math.ceil(least / max(time.process_time() - start, 1e-6)))

    def run():
        for _ in range(rounds):
            once()

    return median_time(run, repeats=repeats, warmup=0) / (new * rounds)


def state_floats(model: nn.Module, prefix_length: int) -> int:
    """Numbers a model keeps to continue a text of `prefix_length` characters: a recurrent model its
    state (fixed), a Transformer with a key-value cache two vectors per layer per character read."""
    if isinstance(model, TransformerLM):
        d = model.embed.embedding_dim
        return 2 * len(model.layers.layers) * d * prefix_length
    if isinstance(model, MinGRULM):
        return sum(c.hidden_size for c in model.cells)
    if isinstance(model, LoopLM):
        return model.rnn.hidden_size * (2 if isinstance(model.rnn, nn.LSTM) else 1)
    raise TypeError(f"no state size known for {type(model).__name__}")


def log2_levels(length: int) -> int:
    """ceil(log2 length): the levels a parallel scan needs for `length` steps."""
    return max(0, math.ceil(math.log2(length)))


# ---- chapter 11's comparison over seeds (python -m rnnlab.spread make minrnn) ----------------------
COMPARE_STEPS = (300, 600)
COMPARE_LR = 3e-3


def passes(steps: int, text_length: int, batch: int = 32, window: int = WINDOW) -> float:
    """How many times `steps` batches of `batch` windows predict as many characters as the text holds."""
    return steps * batch * window / text_length


def compare_arms(
    seed: int, train_ids: torch.Tensor, held_ids: torch.Tensor, vocab_size: int, arms=tuple(ARMS), steps=COMPARE_STEPS
) -> dict[str, dict[str, float]]:
    """Each arm of ARMS trained from `seed` on random windows of the training text (Adam at COMPARE_LR),
    measured after each number of `steps` on the held-out text and on as many ids of the training
    text (its beginning): {"held-out perplexity after N steps": {arm: value},
    "training perplexity after N steps": {arm: value}}. Training far below held-out is memorisation."""
    seen = train_ids[: len(held_ids)]
    out = {f"{part} perplexity after {n} steps": {} for n in steps for part in ("held-out", "training")}
    for arm in arms:
        torch.manual_seed(seed)
        model = ARMS[arm](vocab_size)
        for done, _ in enumerate(window_steps(model, train_ids, lr=COMPARE_LR, seed=seed), start=1):
            if done in steps:
                out[f"held-out perplexity after {done} steps"][arm] = math.exp(window_cross_entropy(model, held_ids))
                out[f"training perplexity after {done} steps"][arm] = math.exp(window_cross_entropy(model, seen))
            if done == max(steps):
                break
    return out


def spread_seed(seed: int) -> dict[str, dict[str, float]]:
    """One seed of the record: the four arms on chapter 09's corpus (600 lines to train on, 150 held out)."""
    train_text, held_text = code_corpus(600, seed=0), code_corpus(150, seed=1)
    vocab = Vocab(train_text)
    return compare_arms(seed, vocab.encode(train_text), vocab.encode(held_text), len(vocab))
