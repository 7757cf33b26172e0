"""Chapter 09's LSTM on real code: torch 2.13.0's own source (rnnlab.realcode), the model trained
on it once and shipped (rnnlab/data/code_lm.pt), what is true at each character of Python code,
and the comparison with counted n-gram models by kind of character (Karpathy, Johnson and
Fei-Fei, "Visualizing and Understanding Recurrent Networks", 2015).

    from rnnlab.codelm import CODE_VOCAB, load_code_lm
    model = load_code_lm()                 # two LSTM layers of 256 units, read from the shipped file

The vocabulary is fixed, not read from the text: the 95 printable ASCII characters and the
newline (rnnlab.realcode replaces everything else by '?'), so held-out files never meet an
unknown character.

`python -m rnnlab.codelm make-weights` trains it again from its seeds (about 45 minutes on one core).
"""

from __future__ import annotations

import hashlib
import math
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .language_model import CharLM, Vocab, batchify, chunks, detach_state
from .units import line_positions

CODE_VOCAB = Vocab("\n" + "".join(chr(k) for k in range(32, 127)))

# the shipped model and how it was trained (stateful truncated BPTT over the whole training part)
SHIPPED = {
    "embed_size": 64,
    "hidden_size": 256,
    "num_layers": 2,
    "n_streams": 32,
    "bptt": 100,
    "steps": 12000,
    "lr": 3e-3,
    "lr_end": 1e-4,
    "clip": 1.0,
    "seed": 0,
}
SHIPPED_FILE = "code_lm.pt"
COMMAND = "python -m rnnlab.codelm make-weights"


def code_features(text: str) -> dict[str, np.ndarray]:
    """What is true at each character of Python source (after reading it), float arrays of len(text):
    inside a string (from the opening quote up to, not including, the character that closes it; a
    docstring is a string, an f-string counts whole, its fields included), inside a comment,
    bracket depth (the brackets of the code, not those in strings or comments), position in line
    (characters since the last newline; a newline is 0) and indent (leading spaces of the line / 4);
    inside a one-line string is the part of "inside a string" opened by one quote, not three (in
    PyTorch's files most string characters are in docstrings).

    A scanner of Python's rules for quotes, triple quotes, backslashes and comments, so that any
    text has features, a piece cut from a file or typed half-way included; on whole files it agrees
    with Python's tokenizer (the course checks it on every file of the corpus)."""
    n = len(text)
    string, short, comment, depth = np.zeros(n), np.zeros(n), np.zeros(n), np.zeros(n)
    quote, in_comment, escaped, d = "", False, False, 0
    k = 0
    while k < n:
        ch, width = text[k], 1
        if quote:  # inside a string: what closes it?
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif text.startswith(quote, k):
                width = len(quote)
                quote = ""
            elif ch == "\n" and len(quote) == 1:  # an unclosed one-line string ends at the line
                quote = ""
        elif in_comment:
            in_comment = ch != "\n"
        elif ch == "#":
            in_comment = True
        elif ch in "'\"":
            quote = ch * 3 if text.startswith(ch * 3, k) else ch
            width = len(quote)
        elif ch in "([{":
            d += 1
        elif ch in ")]}":
            d = max(0, d - 1)
        for j in range(k, min(k + width, n)):
            # an opening triple quote is inside from its first character, a closing one until its last
            string[j] = bool(quote) or (width > 1 and j < k + width - 1 and not quote)
            short[j] = len(quote) == 1
            comment[j], depth[j] = in_comment, d
        k += width
    column, indent = line_positions(text)
    return {
        "inside a string": string,
        "inside a one-line string": short,
        "inside a comment": comment,
        "bracket depth": depth,
        "position in line": column,
        "indent": indent,
    }


# the three the paper shows cells for, the cell viewer's menu (fewer states for the website to bake)
PAPER_FEATURES = ("inside a string", "inside a one-line string", "bracket depth", "position in line")


def paper_features(text: str) -> dict[str, np.ndarray]:
    """code_features(text), only the PAPER_FEATURES."""
    found = code_features(text)
    return {name: found[name] for name in PAPER_FEATURES}


def new_model(seed: int = SHIPPED["seed"]) -> CharLM:
    torch.manual_seed(seed)
    return CharLM(len(CODE_VOCAB), SHIPPED["embed_size"], SHIPPED["hidden_size"], num_layers=SHIPPED["num_layers"])


def train_code_lm(
    model: CharLM,
    ids: torch.Tensor,
    steps: int,
    n_streams: int,
    bptt: int,
    lr: float,
    lr_end: float,
    clip: float,
    seed: int,
    log=print,
    stop: int | None = None,
) -> list[float]:
    """Stateful truncated BPTT as rnnlab.language_model.train_lm, with Adam's step size falling
    from `lr` to `lr_end` along a cosine over `steps`; returns the training loss of every step
    (nats). `stop` ends the run after that many steps (the schedule stays that of `steps`)."""
    torch.manual_seed(seed)
    pieces = list(chunks(batchify(ids, n_streams), bptt))
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda k: (lr_end + (lr - lr_end) * 0.5 * (1 + math.cos(math.pi * k / steps))) / lr
    )
    losses, state, start = [], None, time.time()
    model.train()
    for step in range(steps if stop is None else min(stop, steps)):
        k = step % len(pieces)
        if k == 0:
            state = None
        x, y = pieces[k]
        logits, state = model(x, detach_state(state))
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if log and (step % 200 == 0 or step == steps - 1):
            recent = losses[-200:]
            log(
                f"step {step + 1}/{steps}: training loss {sum(recent) / len(recent):.3f} nats "
                f"({time.time() - start:.0f} s)"
            )
    model.eval()
    return losses


RECORD_FILE = "code_lm.json"


def make_weights(log=print) -> tuple[CharLM, dict]:
    """Train the shipped model from its seeds; returns it and the record of its training (the loss
    of every step, rounded to 1e-5, and how long it took on this machine)."""
    from .realcode import corpus

    s = SHIPPED
    model = new_model(s["seed"])
    start = time.time()
    losses = train_code_lm(
        model,
        CODE_VOCAB.encode(corpus().train),
        s["steps"],
        s["n_streams"],
        s["bptt"],
        s["lr"],
        s["lr_end"],
        s["clip"],
        s["seed"],
        log=log,
    )
    record = {
        "settings": dict(s),
        "threads": torch.get_num_threads(),
        "seconds": round(time.time() - start),
        "losses": [round(v, 5) for v in losses],
    }
    return model, record


def load_code_lm() -> CharLM:
    """The shipped LSTM (see SHIPPED); as initialised, untrained, under RNNLAB_UNTRAINED=1."""
    from .shipped import load_shipped

    return load_shipped(new_model(), SHIPPED_FILE, COMMAND)


def whole_lines(text: str, start: int, limit: int = 400) -> str:
    """The whole lines of `text` from the one holding position `start`, as many as fit in `limit`
    characters (at least one line, cut at `limit`): a piece for the cell viewer that starts where a
    line starts, so its features are those of the file."""
    begin = text.rfind("\n", 0, start) + 1
    end = begin
    while True:
        nxt = text.find("\n", end)
        if nxt == -1 or nxt + 1 - begin > limit:
            break
        end = nxt + 1
    return text[begin:end] if end > begin else text[begin : begin + limit]


@torch.no_grad()
def char_losses(model: CharLM, text: str, bptt: int = 512) -> np.ndarray:
    """The model's loss (nats) on each character of `text` after the first, from all that came
    before it (the state carried along), float64 of len(text) - 1."""
    ids = CODE_VOCAB.encode(text)
    out, state = [], None
    model.eval()
    for start in range(0, len(ids) - 1, bptt):
        x = ids[start : min(start + bptt, len(ids) - 1)].unsqueeze(0)
        logits, state = model(x, state)
        out.append(F.cross_entropy(logits[0].double(), ids[start + 1 : start + 1 + x.shape[1]], reduction="none"))
    return torch.cat(out).numpy()


def ngram_losses(train: str, text: str, orders=range(1, 8)) -> dict[int, np.ndarray]:
    """Each counted model's loss (nats) on each character of `text` after the first, {order: array},
    the models counted on `train` (one count of the highest order holds all the lower ones).
    Counting 9.5 M characters takes seconds, so the losses are kept (realcode.keep, store "ngram"),
    keyed by both texts, the orders, numpy's version and rnnlab/ngram.py's code."""
    import inspect
    import io

    from . import ngram
    from .realcode import keep, kept

    orders = list(orders)
    h = hashlib.sha256(Path(ngram.__file__).read_bytes() + inspect.getsource(ngram_losses).encode())
    h.update(f"{orders}|{len(CODE_VOCAB)}|{np.__version__}|{len(text)}".encode())
    for part in (train, text):
        h.update(hashlib.sha256(part.encode("utf-8", "surrogatepass")).digest())
    key = h.hexdigest()
    data = kept(key, "ngram")
    if data is not None:
        try:
            losses = np.load(io.BytesIO(data), allow_pickle=False)
            if losses.shape == (len(orders), max(len(text) - 1, 0)):
                return dict(zip(orders, losses))
        except ValueError:
            pass
    model = ngram.NGram(max(orders), train, len(CODE_VOCAB))
    losses = {n: np.array(model.nll(text, order=n), dtype=np.float64) for n in orders}
    buf = io.BytesIO()
    np.save(buf, np.array([losses[n] for n in orders]).reshape(len(orders), max(len(text) - 1, 0)), allow_pickle=False)
    keep(key, buf.getvalue(), "ngram")
    return losses


# what predicting a character needs, for the characters where whitespace decides (the rest: "")
NEEDS = (
    "indentation begins",
    "indentation continues",
    "indentation ends",
    "space inside a line",
    "line end",
)


def needs_of(text: str) -> np.ndarray:
    """For each character after the first, what predicting it needs, as a label of NEEDS or "":
    a line's first space ("indentation begins"), a later space of its indentation ("indentation
    continues"), the first other character after an indentation ("indentation ends", whatever its
    kind: here the indentation stops), another space ("space inside a line"), a newline ("line
    end"). An n-gram model sees the last n - 1 characters: inside an indentation deeper than
    that, it cannot know how deep the indentation is, so not where it ends either."""
    out = np.full(len(text) - 1, "", dtype=object)
    start, leading = 0, True  # where the line began; whether only spaces came since
    for k, ch in enumerate(text):
        if k:
            if ch == "\n":
                out[k - 1] = "line end"
            elif ch == " " and not leading:
                out[k - 1] = "space inside a line"
            elif ch == " ":
                out[k - 1] = "indentation begins" if k == start else "indentation continues"
            elif leading and k > start:
                out[k - 1] = "indentation ends"
        if ch == "\n":
            start, leading = k + 1, True
        elif ch != " ":
            leading = False
    return out


def matching_distance(text: str) -> np.ndarray:
    """For each character after the first: how far back (in characters) the bracket it closes was
    opened, if it is a closing bracket of the code; 0 otherwise (len(text) - 1)."""
    feats = code_features(text)
    depth, out, stack = feats["bracket depth"], np.zeros(len(text) - 1), []
    before = 0.0
    for k, ch in enumerate(text):
        if depth[k] > before:
            stack.append(k)
        elif depth[k] < before and stack:
            opened = stack.pop()
            if k:
                out[k - 1] = k - opened
        before = depth[k]
    return out


def main(argv=None) -> int:
    import argparse
    import json

    from .shipped import DATA

    parser = argparse.ArgumentParser(
        prog="python -m rnnlab.codelm",
        description="Train chapter 09's LSTM on real code from its seeds (one CPU "
        "thread): rnnlab/data/code_lm.pt and code_lm.json.",
    )
    parser.add_argument("command", choices=["make-weights"])
    parser.parse_args(argv)
    torch.set_num_threads(1)
    model, record = make_weights()
    torch.save(model.state_dict(), DATA / SHIPPED_FILE)
    (DATA / RECORD_FILE).write_text(json.dumps(record) + "\n")
    print(f"wrote {DATA / SHIPPED_FILE} and {DATA / RECORD_FILE} ({record['seconds']} s of training)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
