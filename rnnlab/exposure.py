"""Exposure bias, measured (chapter 09): does a model that only ever read true text do worse once it
reads its own? A perfect model's forced and free-running accuracy, computed exactly from a Markov
chain (`chain_accuracy`), the same tempting test on a trained model (`free_running_accuracy`),
and the test with its control: the model's own lines, or true ones swapped in, before the next
true line (`nats_after`, `write_lines`, `swap_lines`, `random_line`).
"""

from __future__ import annotations

import re

import torch
from torch.nn import functional as F

from .language_model import CharLM, Vocab, last_state, shape_logits, stepper


# ------------------------------------------------------------------------------------ exposure bias
def chain_accuracy(chain: torch.Tensor, start: torch.Tensor, steps: int) -> tuple[torch.Tensor, torch.Tensor]:
    """What a perfect model scores when its predictions are compared with one text, step by step.

    The text comes from a Markov chain: `chain[a, b]` is P(next = b | this = a), each row summing
    to 1, and `start` is the distribution of the character the continuation starts after. The
    perfect model is the chain itself, and it predicts its likeliest next character (argmax).
    Returns two float64 tensors of length `steps`: the expected share of predictions equal to the
    text's character at steps 1, 2, ..., teacher-forced (each prediction made after the text's
    true previous character) and free-running (greedy from the start, fed its own predictions).
    Exact, from powers of `chain`: no text is drawn."""
    chain, start = chain.double(), start.double()
    V = chain.shape[0]
    if chain.shape != (V, V) or start.shape != (V,):
        raise ValueError(f"chain must be (V, V) and start (V,), not {tuple(chain.shape)} and {tuple(start.shape)}")
    sums = torch.cat([chain.sum(1), start.sum(0, keepdim=True)])
    if not torch.allclose(sums, torch.ones_like(sums)):
        raise ValueError("every row of chain, and start, must sum to 1")
    rows, best = torch.arange(V), chain.argmax(1)
    dist, power, guess = start, torch.eye(V, dtype=torch.float64), torch.arange(V)
    forced, free = [], []
    for _ in range(steps):
        forced.append((dist * chain[rows, best]).sum())  # dist: P(the true previous character)
        dist, power, guess = dist @ chain, power @ chain, best[guess]
        free.append((start * power[rows, guess]).sum())  # P(text's character t = greedy guess t)
    return torch.stack(forced), torch.stack(free)


@torch.no_grad()
def free_running_accuracy(
    model: CharLM, vocab: Vocab, text: str, steps: int, every: int = 20
) -> tuple[torch.Tensor, torch.Tensor]:
    """The tempting test of exposure bias, on a model: from every `every`-th character of `text`
    (the first excepted), the share of predictions equal to the text's character at steps
    1, 2, ..., `steps` on, teacher-forced (argmax after the true text) and free-running (greedy,
    fed its own predictions from the place on). Two float64 tensors of length `steps`, as
    `chain_accuracy` returns for a perfect model."""
    ids = vocab.encode(text)
    places = list(range(every, len(ids) - steps, every))
    if not places or steps < 1:
        raise ValueError(f"text too short for {steps} steps from every {every}-th character")
    model.eval()
    logits, _ = model(ids[:-1].unsqueeze(0))
    guesses = logits[0].argmax(-1)  # guesses[t]: prediction of ids[t + 1]
    at = torch.tensor(places)
    forced = torch.stack([(guesses[at + k - 1] == ids[at + k]).double().mean() for k in range(1, steps + 1)])
    states, state, done = [], None, 0  # the state after ids[:p + 1], each place
    for p in places:
        _, state = model(ids[done : p + 1].unsqueeze(0), state)
        states.append(state)
        done = p + 1
    if isinstance(state, tuple):  # LSTM: (h, c); GRU: h
        state = tuple(torch.cat([s[j] for s in states], dim=1) for j in range(len(state)))
    else:
        state = torch.cat(states, dim=1)
    token, free = guesses[at].unsqueeze(1), []  # step 1: the prediction after the true prefix
    for k in range(1, steps + 1):
        free.append((token[:, 0] == ids[at + k]).double().mean())
        out, state = model(token, state)
        token = out[:, -1].argmax(-1, keepdim=True)
    return forced, torch.stack(free)


def split_functions(text: str) -> list[str]:
    """The whole functions of code-like text: each from a line that starts with 'def ' to the
    newline before the next such line. What comes before the first such line, and the last
    function (it may be unfinished), are left out."""
    return re.split(r"(?m)^(?=def )", text)[1:-1]


@torch.no_grad()
def nats_after(model: CharLM, vocab: Vocab, befores: list[str], texts: list[str], skip: int = 1) -> float:
    """Mean cross-entropy (nats per character) of the model on `texts`, each read right after the
    text at the same position in `befores`: the model reads befores[0] + texts[0] + befores[1] +
    texts[1] + ... as one stream, its state carried throughout. The first `skip` characters of
    each text are read but not scored. In float64 from the logits."""
    if len(befores) != len(texts):
        raise ValueError(f"one before per text: {len(befores)} befores, {len(texts)} texts")
    stream, scored = "", []
    for before, text in zip(befores, texts):
        stream += before
        scored += range(len(stream) + skip, len(stream) + len(text))
        stream += text
    if not scored or scored[0] == 0:
        raise ValueError("nothing to score, or a scored character with nothing before it")
    ids = vocab.encode(stream)
    model.eval()
    logits, _ = model(ids[:-1].unsqueeze(0))
    at = torch.tensor(scored)
    return float(F.cross_entropy(logits[0, at - 1].double(), ids[at]))


def statement_lines(text: str) -> list[int]:
    """Where a fair test of exposure bias can look inside a function: indices of the lines of
    code-like text (`text.split("\n")`) that are statements, not headers, and are followed by a
    line. The grammar draws each statement independently of the one before it, given its
    indentation and how many lines the block has left; so after any statement at the same
    indentation the true next line is still a right continuation. A header (a line ending in ':')
    decides the next line's indentation, so it is left out. The line after each index is kept
    true (it is the one scored), so it is never an index itself: from each run of statements,
    every other line."""
    lines, picked = text.split("\n"), []
    for i, line in enumerate(lines[:-1]):
        if line.strip() and not line.endswith(":") and lines[i + 1].strip() and (not picked or picked[-1] < i - 1):
            picked.append(i)
    return picked


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" "))]


@torch.no_grad()
def write_lines(
    model: CharLM, vocab: Vocab, text: str, lines: list[int], seed: int = 0, tries: int = 5, max_chars: int = 100
) -> dict[int, str]:
    """Lines the model writes in place of `lines` (increasing indices into `text.split("\n")`):
    each sampled at T = 1, with one torch.multinomial per character from a generator seeded with
    `seed`, after the text before it, in which the earlier of these lines are already the model's;
    the true line's indentation is given, the model writes the rest up to its newline. A draw
    that ends in ':' (a header, after which the true next line would be indented wrongly), is
    blank, or runs `max_chars` characters without a newline is drawn again, up to `tries` times;
    a line with no acceptable draw keeps no entry. Returns {index: line}, indentation included,
    newline not."""
    if list(lines) != sorted(set(lines)):
        raise ValueError("lines must be increasing indices")
    true_lines, model = text.split("\n"), model.eval()
    step, g, newline = stepper(model), torch.Generator().manual_seed(seed), vocab.index["\n"]
    written, done, state, logits = {}, 0, None, None  # done: lines read so far
    for i in lines:
        pad = _indent(true_lines[i])
        read = "".join(line + "\n" for line in true_lines[done:i]) + pad
        if not read:
            raise ValueError("a written line needs text before it")
        out, state = model(vocab.encode(read).unsqueeze(0), state)
        logits = out[0, -1]
        for _ in range(tries):
            chars, lg, st = [], logits, last_state(state) if model.rnn.num_layers == 1 else state
            while len(chars) < max_chars:
                nxt = int(torch.multinomial(shape_logits(lg), 1, generator=g))
                if nxt == newline:
                    break
                chars.append(vocab.chars[nxt])
                lg, st = step(nxt, st)
            body = "".join(chars)
            if len(chars) < max_chars and body.strip() and not body.endswith(":"):
                written[i] = pad + body
                break
        line = written.get(i, true_lines[i])[len(pad) :] + "\n"
        out, state = model(vocab.encode(line).unsqueeze(0), state)
        done = i + 1
    return written


def random_line(vocab: Vocab, line: str, generator: torch.Generator) -> str:
    """A control for `line`: its indentation, then as many characters as the rest of it, each
    drawn uniformly from the vocabulary with `generator` (a newline drawn becomes a space)."""
    pad = _indent(line)
    ids = torch.randint(len(vocab), (len(line) - len(pad),), generator=generator)
    return pad + vocab.decode(ids).replace("\n", " ")


def swap_lines(text: str, new: dict[int, str]) -> tuple[list[str], list[str]]:
    """`text` with line i (of text.split("\n")) replaced by new[i], cut for `nats_after(...,
    skip=0)`, which then scores the line after each replaced one: befores[k] runs from the end of
    the previous scored line to the k-th replaced line and its newline, texts[k] is the true
    line after it with its newline. Text after the last scored line is left out."""
    lines = text.split("\n")
    if any(not 0 <= i < len(lines) - 1 for i in new) or any(i + 1 in new for i in new):
        raise ValueError("each replaced line needs a line after it that is not replaced")
    befores, texts, done = [], [], 0
    for i in sorted(new):
        befores.append("".join(line + "\n" for line in lines[done:i]) + new[i] + "\n")
        texts.append(lines[i + 1] + "\n")
        done = i + 2
    return befores, texts
