"""Character-level language models: a corpus of the course's own, counted baselines, a model,
stateful training, perplexity, sampling and the GRU step. Chapter 09's measurements of a trained
model live beside it: exposure bias in rnnlab.exposure, units that track the text in rnnlab.units.

The corpus is generated, not downloaded: a small grammar of nested, indented, code-like lines
(function headers, assignments, calls, lists, strings in quotes). Every student gets the same
text for the same seed, and the text has structure a recurrent cell can track: how deep inside
brackets it is, whether it is inside quotes, how far it is into a line, how deeply indented.

    from rnnlab.language_model import code_corpus, Vocab
    text = code_corpus(400, seed=0)        # 400 lines
    vocab = Vocab(text)                    # sorted characters; vocab.encode(text) -> LongTensor

Perplexity is exp(mean cross-entropy in nats); bits per character = mean cross-entropy / ln 2.
"""

from __future__ import annotations

import math
import random

import torch
from torch import nn
from torch.nn import functional as F

from .course import training_steps
from .train import History, loss_summary

# ------------------------------------------------------------------------------------ corpus
NAMES = ("a", "b", "n", "x", "y", "key", "total", "item", "size", "count")
FUNCS = ("f", "g", "add", "scale", "get", "load", "sum")
WORDS = ("ok", "no", "done", "red", "blue", "empty", "open", "fail", "zero", "next")
OPS = (" + ", " - ", " * ")


class _Grammar:
    """Random code-like lines; `depth` limits how deeply expressions nest."""

    def __init__(self, rng: random.Random, max_depth: int = 3):
        self.rng, self.max_depth = rng, max_depth

    def atom(self) -> str:
        r = self.rng.random()
        if r < 0.45:
            return self.rng.choice(NAMES)
        if r < 0.8:
            return str(self.rng.randint(0, 99))
        return '"' + " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(1, 3))) + '"'

    def expr(self, depth: int = 0) -> str:
        r = self.rng.random()
        if depth >= self.max_depth or r < 0.35:
            return self.atom()
        if r < 0.55:
            return self.expr(depth + 1) + self.rng.choice(OPS) + self.expr(depth + 1)
        if r < 0.7:
            return "(" + self.expr(depth + 1) + self.rng.choice(OPS) + self.expr(depth + 1) + ")"
        if r < 0.85:
            args = ", ".join(self.expr(depth + 1) for _ in range(self.rng.randint(1, 2)))
            return self.rng.choice(FUNCS) + "(" + args + ")"
        items = ", ".join(self.expr(depth + 1) for _ in range(self.rng.randint(1, 3)))
        return "[" + items + "]"

    def block(self, indent: int, budget: int) -> list[str]:
        """Statements at `indent` levels, about `budget` lines in all."""
        lines, pad = [], "    " * indent
        while budget > 0:
            r = self.rng.random()
            if r < 0.25 and indent < 3 and budget > 2:
                head = self.rng.choice(("if", "while")) + " " + self.expr(1) + " < " + self.atom() + ":"
                inner = self.rng.randint(1, min(3, budget - 1))
                lines.append(pad + head)
                lines += self.block(indent + 1, inner)
                budget -= inner + 1
            elif r < 0.4:
                lines.append(pad + "print(" + self.expr() + ")")
                budget -= 1
            elif r < 0.5:
                lines.append(pad + "return " + self.expr())
                budget -= 1
            else:
                lines.append(pad + self.rng.choice(NAMES) + " = " + self.expr())
                budget -= 1
        return lines

    def function(self) -> list[str]:
        args = ", ".join(self.rng.sample(NAMES, self.rng.randint(1, 3)))
        return ["def " + self.rng.choice(FUNCS) + "(" + args + "):"] + self.block(1, self.rng.randint(2, 6))


def code_corpus(n_lines: int, seed: int = 0, max_depth: int = 3) -> str:
    """About `n_lines` lines (whole functions, so a few more) of code-like text, ending in a
    newline; the same text for the same seed on every machine (Python's own `random`)."""
    if n_lines < 1:
        raise ValueError(f"n_lines must be at least 1, not {n_lines}")
    g, lines = _Grammar(random.Random(seed), max_depth), []
    while len(lines) < n_lines:
        lines += g.function()
    return "\n".join(lines) + "\n"


class Vocab:
    """The characters of a text, sorted; ids are positions in `chars`."""

    def __init__(self, text: str):
        self.chars = sorted(set(text))
        if not self.chars:
            raise ValueError("a vocabulary needs at least one character")
        self.index = {ch: k for k, ch in enumerate(self.chars)}
        # id of each code point up to the largest in the vocabulary (-1: not in it), so that encoding
        # millions of characters is one table lookup, not a Python loop (chapter 09's 9.5 M)
        self._table = torch.full((ord(self.chars[-1]) + 1,), -1, dtype=torch.long)
        self._table[[ord(ch) for ch in self.chars]] = torch.arange(len(self.chars))

    def __len__(self) -> int:
        return len(self.chars)

    CHUNK = 1 << 20  # characters encoded at a time: the temporary arrays stay a few MB

    def encode(self, text: str) -> torch.Tensor:
        if not isinstance(text, str):
            text = "".join(text)  # characters given one by one (a list), as before
        ids = torch.empty(len(text), dtype=torch.long)
        for start in range(0, len(text), self.CHUNK):
            piece = text[start : start + self.CHUNK]
            codes = torch.frombuffer(bytearray(piece.encode("utf-32-le", "surrogatepass")), dtype=torch.int32)
            known = codes < len(self._table)
            out = ids[start : start + len(piece)]
            torch.index_select(self._table, 0, codes.where(known, 0), out=out)
            if not bool(known.all()) or bool((out < 0).any()):
                unknown = sorted(set(text) - set(self.index))
                raise ValueError(f"characters not in the vocabulary: {''.join(unknown)!r}")
        return ids

    def decode(self, ids) -> str:
        return "".join(self.chars[int(k)] for k in ids)


# ------------------------------------------------------------------------------------ batching
def batchify(ids: torch.Tensor, n_streams: int) -> torch.Tensor:
    """Cut one long stream into `n_streams` parallel streams, one per row: (n_streams, length).

    Row k is the k-th consecutive piece of the text; the tail that does not fill a row is
    dropped. Reading column after column, each row continues where the previous chunk of that
    row stopped, which is what lets the state carry over between chunks."""
    if ids.dim() != 1:
        raise ValueError(f"batchify takes a 1-D stream of ids, not shape {tuple(ids.shape)}")
    length = len(ids) // n_streams
    if length < 2:
        raise ValueError(f"{len(ids)} ids are too few for {n_streams} streams")
    return ids[: n_streams * length].view(n_streams, length)


def chunks(streams: torch.Tensor, bptt: int):
    """(inputs, targets) pieces of `bptt` steps, in order; targets are inputs shifted by one."""
    for start in range(0, streams.shape[1] - 1, bptt):
        end = min(start + bptt, streams.shape[1] - 1)
        yield streams[:, start:end], streams[:, start + 1 : end + 1]


# ------------------------------------------------------------------------------------ model
class CharLM(nn.Module):
    """nn.Embedding -> nn.LSTM or nn.GRU (batch_first) -> nn.Linear over the vocabulary.

    `tie=True` makes the output layer use the embedding matrix as its weight (Press and Wolf
    2017; Inan et al. 2017), which needs embed_size == hidden_size."""

    def __init__(
        self,
        vocab_size: int,
        embed_size: int = 32,
        hidden_size: int = 64,
        cell: str = "lstm",
        num_layers: int = 1,
        tie: bool = False,
    ):
        super().__init__()
        if cell not in ("lstm", "gru"):
            raise ValueError(f"cell must be 'lstm' or 'gru', not {cell!r}")
        if tie and embed_size != hidden_size:
            raise ValueError(
                f"tying needs embed_size == hidden_size (got {embed_size} and "
                f"{hidden_size}); add a projection or change one of them"
            )
        self.cell = cell
        self.embed = nn.Embedding(vocab_size, embed_size)
        rnn = nn.LSTM if cell == "lstm" else nn.GRU
        self.rnn = rnn(embed_size, hidden_size, num_layers, batch_first=True)
        self.out = nn.Linear(hidden_size, vocab_size)
        if tie:
            self.out.weight = self.embed.weight

    def forward(self, x: torch.Tensor, state=None):
        output, state = self.rnn(self.embed(x), state)
        return self.out(output), state


def parameter_count(model: nn.Module) -> int:
    """Parameters counted once each (a tied matrix is one matrix): model.parameters() does that."""
    return sum(p.numel() for p in model.parameters())


def detach_state(state):
    if state is None:
        return None
    if isinstance(state, tuple):
        return tuple(s.detach() for s in state)
    return state.detach()


def train_lm(
    model: CharLM,
    ids: torch.Tensor,
    steps: int,
    n_streams: int = 32,
    bptt: int = 16,
    lr: float = 3e-3,
    clip: float = 1.0,
    stateful: bool = True,
    seed: int = 0,
    progress: bool = True,
    desc: str = "training",
) -> History:
    """Stateful truncated BPTT over one long stream: batchify, then take the chunks in order
    (starting again at the beginning when they run out), carrying the state from one chunk to
    the next with detach(). `stateful=False` starts every chunk from zeros. Adam, gradient
    norm clipped at `clip`. Returns the History of the training loss (nats per character)."""
    from tqdm.auto import tqdm

    torch.manual_seed(seed)
    streams = batchify(ids, n_streams)
    pieces = list(chunks(streams, bptt))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    history, state = History(), None
    model.train()
    bar = tqdm(range(training_steps(steps)), total=steps, desc=desc, disable=not progress, leave=True)
    for step in bar:
        k = step % len(pieces)
        if k == 0:
            state = None  # back at the start of the streams
        x, y = pieces[k]
        logits, state = model(x, detach_state(state) if stateful else None)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        history.loss.append(loss.item())
        if step % 20 == 0:
            bar.set_postfix(loss=f"{loss.item():.3f}")
    bar.set_postfix_str(loss_summary(history.loss), refresh=True)
    bar.close()
    model.eval()
    return history


@torch.no_grad()
def cross_entropy_of(model: CharLM, ids: torch.Tensor, bptt: int = 256) -> float:
    """Mean cross-entropy (nats per character) of predicting ids[1:] from what came before, the
    whole text read as one stream with the state carried along. In float64 from the logits."""
    model.eval()
    state, total, count = None, 0.0, 0
    for start in range(0, len(ids) - 1, bptt):
        x = ids[start : min(start + bptt, len(ids) - 1)].unsqueeze(0)
        y = ids[start + 1 : start + 1 + x.shape[1]]
        logits, state = model(x, state)
        total += float(F.cross_entropy(logits[0].double(), y, reduction="sum"))
        count += len(y)
    return total / count


def perplexity(cross_entropy_nats: float) -> float:
    return math.exp(cross_entropy_nats)


def bits_per_char(cross_entropy_nats: float) -> float:
    return cross_entropy_nats / math.log(2)


def bigram_counts(ids: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """(vocab_size, vocab_size) float64: counts[a, b] is how often id b follows id a in `ids`."""
    ids = ids.long()
    counts = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)
    counts.index_put_((ids[:-1], ids[1:]), torch.ones(len(ids) - 1, dtype=torch.float64), accumulate=True)
    return counts


def ngram_cross_entropy(train_ids: torch.Tensor, test_ids: torch.Tensor, vocab_size: int, order: int) -> float:
    """Cross-entropy (nats per character) on test_ids[1:] of a counted model with add-one
    (Laplace) smoothing: order 1 is the unigram model P(c), order 2 the bigram model
    P(c | previous c). Counts come from train_ids only."""
    train, test = train_ids.long(), test_ids.long()
    V = vocab_size
    if order == 1:
        counts = torch.bincount(train, minlength=V).double() + 1
        logp = (counts / counts.sum()).log()
        return float(-logp[test[1:]].mean())
    if order == 2:
        counts = bigram_counts(train, V) + 1
        logp = (counts / counts.sum(1, keepdim=True)).log()
        return float(-logp[test[:-1], test[1:]].mean())
    raise ValueError(f"order must be 1 (unigram) or 2 (bigram), not {order}")


# ------------------------------------------------------------------------------------ decoding
def shape_logits(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None) -> torch.Tensor:
    """Probabilities of softmax(logits / temperature) over the `top_k` likeliest (all others 0).
    Temperature 0 means greedy: all the probability on the argmax."""
    logits = logits.double()
    if temperature < 0:
        raise ValueError(f"temperature must be >= 0, not {temperature}")
    if temperature == 0:
        return F.one_hot(logits.argmax(-1), logits.shape[-1]).double()
    if top_k is not None:
        if not 1 <= top_k <= logits.shape[-1]:
            raise ValueError(f"top_k must be between 1 and {logits.shape[-1]}, not {top_k}")
        kth = logits.topk(top_k, dim=-1).values[..., -1:]
        logits = logits.masked_fill(logits < kth, float("-inf"))
    return torch.softmax(logits / temperature, dim=-1)


@torch.no_grad()
def next_char_probs(
    model: CharLM, vocab: Vocab, prompt: str, temperature: float = 1.0, top_k: int | None = None
) -> torch.Tensor:
    """P(next character | prompt), float64 of shape (len(vocab),)."""
    if not prompt:
        raise ValueError("the prompt needs at least one character")
    model.eval()
    logits, _ = model(vocab.encode(prompt).unsqueeze(0))
    return shape_logits(logits[0, -1], temperature, top_k)


def stepper(model: CharLM):
    """step(token, state) -> (logits, state) for one character, from the model's weights: the
    input projections of every character are computed once (a table of V rows), so a step is
    one small matrix product. Same numbers as model(...) up to float rounding (about 1e-7)."""
    rnn = model.rnn
    if rnn.num_layers != 1:

        def step(token, state):
            logits, state = model(torch.tensor([[token]]), state)
            return logits[0, -1], state

        return step
    table = model.embed.weight @ rnn.weight_ih_l0.T + rnn.bias_ih_l0  # (V, blocks * H)
    w_hh, b_hh, w_out, b_out = rnn.weight_hh_l0.T, rnn.bias_hh_l0, model.out.weight.T, model.out.bias
    if model.cell == "lstm":

        def step(token, state):
            h, c = state
            i, f, g, o = (table[token] + h @ w_hh + b_hh).chunk(4)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            return h @ w_out + b_out, (h, c)
    else:

        def step(token, state):
            i_r, i_z, i_n = table[token].chunk(3)
            h_r, h_z, h_n = (state @ w_hh + b_hh).chunk(3)
            r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
            h = (1 - z) * torch.tanh(i_n + r * h_n) + z * state
            return h @ w_out + b_out, h

    return step


def last_state(state):
    """The state of a one-layer, batch-of-one run as the stepper keeps it."""
    if isinstance(state, tuple):
        return tuple(s[0, 0] for s in state)
    return state[0, 0]


@torch.no_grad()
def generate(
    model: CharLM, vocab: Vocab, prompt: str, n: int, temperature: float = 1.0, top_k: int | None = None, seed: int = 0
) -> str:
    """`n` characters after `prompt`, fed back one at a time (free running). Temperature 0 is
    greedy decoding; otherwise each character is drawn from shape_logits(...) with one
    torch.multinomial(probs, 1, generator=g) per character, g seeded with `seed`, so the same
    call gives the same text."""
    if not prompt:
        raise ValueError("the prompt needs at least one character")
    model.eval()
    g = torch.Generator().manual_seed(seed)
    logits, state = model(vocab.encode(prompt).unsqueeze(0))
    logits = logits[0, -1]
    step = stepper(model)
    if model.rnn.num_layers == 1:
        state = last_state(state)
    out = []
    for _ in range(n):
        probs = shape_logits(logits, temperature, top_k)
        nxt = int(probs.argmax()) if temperature == 0 else int(torch.multinomial(probs, 1, generator=g))
        out.append(vocab.chars[nxt])
        logits, state = step(nxt, state)
    return "".join(out)


def repeats(text: str, width: int = 20) -> bool:
    """True when the last `width` characters already occurred earlier in `text` (a loop)."""
    return len(text) >= 2 * width and text[-width:] in text[:-width]


# ------------------------------------------------------------------------------------ GRU
def gru_step(x, h, w_ih, w_hh, b_ih, b_hh):
    """One GRU step as PyTorch computes it (rows of the weights in the order r, z, n; x and h are
    row vectors, as everywhere in the course):

        r = sigmoid(x W_ir^T + b_ir + h W_hr^T + b_hr)     reset gate
        z = sigmoid(x W_iz^T + b_iz + h W_hz^T + b_hz)     update gate
        n = tanh(x W_in^T + b_in + r * (h W_hn^T + b_hn))  candidate: r scales h W_hn^T + b_hn
        h' = (1 - z) * n + z * h
    Returns (r, z, n, h')."""
    gi = x @ w_ih.T + b_ih
    gh = h @ w_hh.T + b_hh
    i_r, i_z, i_n = gi.chunk(3, dim=-1)
    h_r, h_z, h_n = gh.chunk(3, dim=-1)
    r, z = torch.sigmoid(i_r + h_r), torch.sigmoid(i_z + h_z)
    n = torch.tanh(i_n + r * h_n)
    return r, z, n, (1 - z) * n + z * h


# ---- shipped weights: chapter 09's LSTM as trained on the course's machine ---------------------
# Greedy text, samples and the unit a viewer opens on are discrete: a near-tie between two
# characters, decided by the last bits of another CPU's arithmetic, changes all the text after
# it. Claims about them are made on these weights, the same for every student; claims about
# training (the loss falls, the model beats the bigram) are made on the model each student trains.
# Made by `python -m rnnlab.language_model make-weights`.

SHIPPED = {
    "corpus_lines": 600,
    "corpus_seed": 0,
    "embed_size": 48,
    "hidden_size": 48,
    "steps": 400,
    "n_streams": 16,
    "bptt": 32,
    "lr": 1e-2,
    "seed": 0,
}


SHIPPED_FILE = "char_lm.pt"


def make_weights(progress: bool = True) -> tuple[CharLM, Vocab]:
    """Train the shipped model from its fixed seeds: chapter 09's LSTM, trained longer than the
    lecture trains it (400 steps, 16 streams of chunks of 32 characters)."""
    s = SHIPPED
    text = code_corpus(s["corpus_lines"], seed=s["corpus_seed"])
    vocab = Vocab(text)
    torch.manual_seed(s["seed"])
    model = CharLM(len(vocab), s["embed_size"], s["hidden_size"])
    train_lm(
        model,
        vocab.encode(text),
        steps=s["steps"],
        n_streams=s["n_streams"],
        bptt=s["bptt"],
        lr=s["lr"],
        seed=s["seed"],
        progress=progress,
        desc="shipped LSTM",
    )
    return model.eval(), vocab


def load_trained_lm(vocab: Vocab) -> CharLM:
    """Chapter 09's LSTM as trained on the course's machine (see SHIPPED), for `vocab`, the
    vocabulary of the chapter's training text (code_corpus(600, seed=0)); as initialised, untrained,
    under RNNLAB_UNTRAINED=1 (`rnnlab.shipped.load_shipped`)."""
    from .shipped import load_shipped

    torch.manual_seed(SHIPPED["seed"])
    model = CharLM(len(vocab), SHIPPED["embed_size"], SHIPPED["hidden_size"])
    return load_shipped(model, SHIPPED_FILE, "python -m rnnlab.language_model make-weights")


# ---- chapter 09's comparisons over seeds (printed with rnnlab.spread) -------------------------------

# at about equal parameter counts: a GRU of 57 units has about as many as the LSTM of 48
LM_ARMS = {
    "LSTM": {"hidden_size": 48},
    "LSTM, tied": {"hidden_size": 48, "tie": True},
    "GRU, 57 units": {"hidden_size": 57, "cell": "gru"},
}


def compare_cells(
    seed: int, train_ids: torch.Tensor, held_ids: torch.Tensor, vocab_size: int, arms=tuple(LM_ARMS), steps=(100,)
) -> dict[str, dict[str, float]]:
    """Each arm of LM_ARMS trained as chapter 09 trains its LSTM (embedding 48, Adam at 1.5e-2),
    from `seed`, for each number of `steps`: {"held-out perplexity after N steps": {arm: value},
    "training perplexity after N steps": {arm: value}}. The training text is small (a few passes
    per 100 steps), so a lower held-out perplexity is read beside the training one: a model can
    fit the text it read better and predict new text worse."""
    out = {}
    for n in steps:
        held = out[f"held-out perplexity after {n} steps"] = {}
        seen = out[f"training perplexity after {n} steps"] = {}
        for arm in arms:
            torch.manual_seed(seed)
            model = CharLM(vocab_size, embed_size=48, **LM_ARMS[arm])
            train_lm(model, train_ids, steps=n, lr=1.5e-2, seed=seed, progress=False)
            held[arm] = perplexity(cross_entropy_of(model, held_ids))
            seen[arm] = perplexity(cross_entropy_of(model, train_ids))
    return out


def spread_seed(seed: int) -> dict[str, dict[str, float]]:
    """One seed of `python -m rnnlab.spread make lm`: the three arms on chapter 09's corpus, after the
    lecture's 100 steps and after 400."""
    train_text, held_text = code_corpus(600, seed=0), code_corpus(150, seed=1)
    vocab = Vocab(train_text)
    return compare_cells(seed, vocab.encode(train_text), vocab.encode(held_text), len(vocab), steps=(100, 400))


# Chapter 09's measurements of a trained model live in rnnlab.exposure and rnnlab.units; a lecture or
# problem set saved when they lived here (`from rnnlab.language_model import unit_trace`) still
# imports them from here.
MOVED = {
    "exposure": (
        "chain_accuracy",
        "free_running_accuracy",
        "split_functions",
        "nats_after",
        "statement_lines",
        "write_lines",
        "random_line",
        "swap_lines",
    ),
    "units": ("text_features", "UnitTrace", "unit_trace", "correlations", "rank_units"),
}


def __getattr__(name: str):
    for module, names in MOVED.items():
        if name in names:
            import importlib

            return getattr(importlib.import_module(f"{__package__}.{module}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    from .shipped import make_weights_command

    raise SystemExit(
        make_weights_command(
            None,
            "python -m rnnlab.language_model",
            "chapter 09's shipped LSTM",
            lambda: make_weights()[0],
            SHIPPED_FILE,
        )
    )
