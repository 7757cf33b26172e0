"""Comparisons over seeds: every arm's median, range and wins, never one run against another.

`over_seeds` runs a comparison, `Spread.table` prints it. A comparison too slow for a lecture is run once
by `python -m rnnlab.spread make NAME` and committed as rnnlab/data/spread_NAME.json, which the lecture
prints with `load_spread(NAME)`: the same figures on every CPU.
"""

from __future__ import annotations

import importlib
import json
import statistics
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .shipped import DATA

# NAME: (the function that measures one seed, "module:function", and the seeds the record uses)
RECORDS = {
    "depth": ("rnnlab.depth:spread_seed", tuple(range(16))),
    "leakage": ("rnnlab.forecast:leakage_seed", tuple(range(16))),
    "lm": ("rnnlab.language_model:spread_seed", tuple(range(8))),
    "tagger": ("rnnlab.tagging:spread_seed", tuple(range(12))),
    "race": ("rnnlab.adding:spread_seed", tuple(range(8))),
    "seq2seq": ("rnnlab.seq2seq:spread_seed", tuple(range(4))),
    "minrnn": ("rnnlab.minrnn:spread_seed", tuple(range(8))),
}


@dataclass
class Spread:
    """One measure of several arms over the same seeds: `values[arm][i]` is seed `seeds[i]`'s."""

    measure: str
    seeds: tuple[int, ...]
    values: dict[str, tuple[float, ...]]
    lower_is_better: bool = True
    made_by: str = ""  # the command that made a committed record

    def __post_init__(self):
        self.seeds = tuple(self.seeds)
        self.values = {arm: tuple(float(v) for v in vs) for arm, vs in self.values.items()}
        for arm, vs in self.values.items():
            if len(vs) != len(self.seeds):
                raise ValueError(f"{arm!r} has {len(vs)} values for {len(self.seeds)} seeds")

    def only(self, *arms: str) -> Spread:
        """The same measure for some of the arms (their wins then count among those arms only)."""
        return Spread(
            self.measure, self.seeds, {arm: self.values[arm] for arm in arms}, self.lower_is_better, self.made_by
        )

    def median(self, arm: str) -> float:
        return statistics.median(self.values[arm])

    def range(self, arm: str) -> tuple[float, float]:
        return min(self.values[arm]), max(self.values[arm])

    def _better(self, a: float, b: float) -> bool:
        return a < b if self.lower_is_better else a > b

    def wins(self, arm: str, other: str) -> int:
        """On how many seeds `arm` did strictly better than `other` (same seed, same data)."""
        return sum(self._better(a, b) for a, b in zip(self.values[arm], self.values[other]))

    def best_on(self, arm: str) -> int:
        """On how many seeds `arm` did at least as well as every other arm."""
        columns = zip(*self.values.values())
        mine = self.values[arm]
        return sum(not any(self._better(v, mine[i]) for v in column) for i, column in enumerate(columns))

    def count(self, arm: str, better_than: float) -> int:
        """On how many seeds `arm` did strictly better than the threshold `better_than`."""
        return sum(self._better(v, better_than) for v in self.values[arm])

    def seed_text(self) -> str:
        s = self.seeds
        if s == tuple(range(s[0], s[0] + len(s))) and len(s) > 2:
            return f"{len(s)} seeds ({s[0]} to {s[-1]})"
        return f"{len(s)} seeds ({', '.join(map(str, s))})"

    def ties(self) -> int:
        """On how many seeds two or more arms shared the best figure."""
        columns = list(zip(*self.values.values()))
        best = min if self.lower_is_better else max
        return sum(sum(v == best(column) for v in column) > 1 for column in columns)

    def table(self, digits: int = 3, against: str | None = None, compare: bool = True) -> str:
        """The measure's median and range (lowest to highest over the seeds) for each arm, and on
        how many seeds each arm was the best of all (or, with `against`, beat that arm). With
        `compare=False`, no such column: for a measure each arm takes on data of its own (its own
        training examples, say), where a lower figure is no win."""
        n = len(self.seeds)
        name_width = max(len(arm) for arm in self.values) + 2
        value_width = digits + 5
        range_width = max(2 * value_width + 3, len("lowest - highest"))
        better = "lower" if self.lower_is_better else "higher"
        column = (f"better than {against}" if against else "best of all arms") if compare else ""
        lines = [
            f"{self.measure} over {self.seed_text()}, {better} is better",
            f"{'':{name_width}s}{'median':>{value_width}s}   {'lowest - highest':^{range_width}s}   {column}",
        ]
        for arm in self.values:
            low, high = self.range(arm)
            if not compare:
                won = ""
            elif against is None:
                won = f"on {self.best_on(arm)} of {n} seeds"
            else:
                won = "-" if arm == against else f"on {self.wins(arm, against)} of {n} seeds"
            lines.append(
                f"{arm:{name_width}s}{self.median(arm):{value_width}.{digits}f}   "
                f"{f'{low:.{digits}f} - {high:.{digits}f}':^{range_width}s}   {won}"
            )
        tied = self.ties() if against is None and compare else 0
        if tied:
            lines.append(f"(on {tied} of {n} seeds arms tied for the best: each of them counts it)")
        if self.made_by:
            lines.append(f"(a committed record, made by `{self.made_by}`)")
        return "\n".join(line.rstrip() for line in lines)

    def to_json(self) -> dict:
        return {
            "measure": self.measure,
            "seeds": list(self.seeds),
            "lower_is_better": self.lower_is_better,
            "values": {arm: list(vs) for arm, vs in self.values.items()},
        }


@dataclass
class Record:
    """The measures of one comparison, run over the same seeds."""

    name: str
    spreads: dict[str, Spread] = field(default_factory=dict)

    def __getitem__(self, measure: str) -> Spread:
        return self.spreads[measure]


def over_seeds(
    run: Callable[[int], dict[str, dict[str, float]]],
    seeds: Iterable[int],
    lower_is_better: dict[str, bool] | bool = True,
    made_by: str = "",
) -> dict[str, Spread]:
    """One Spread per measure of `run(seed)`'s {measure: {arm: value}} over the seeds; `lower_is_better`
    is one flag for every measure or a flag per measure."""
    seeds = tuple(seeds)
    if not seeds:
        raise ValueError("over_seeds needs at least one seed")
    results = [run(seed) for seed in seeds]
    spreads = {}
    for measure, arms in results[0].items():
        lower = lower_is_better if isinstance(lower_is_better, bool) else lower_is_better[measure]
        spreads[measure] = Spread(
            measure, seeds, {arm: [r[measure][arm] for r in results] for arm in arms}, lower, made_by
        )
    return spreads


def _command(name: str) -> str:
    return f"python -m rnnlab.spread make {name}"


def record_path(name: str):
    return DATA / f"spread_{name}.json"


def make_record(name: str, seeds: Iterable[int] | None = None) -> Record:
    """Run the registered comparison `name` over its seeds (or `seeds`), now."""
    if name not in RECORDS:
        raise ValueError(f"no comparison named {name!r}: choose one of {', '.join(RECORDS)}")
    target, default_seeds = RECORDS[name]
    module, function = target.split(":")
    one_seed = getattr(importlib.import_module(module), function)
    measured = over_seeds(
        one_seed,
        default_seeds if seeds is None else seeds,
        getattr(one_seed, "LOWER_IS_BETTER", True),
        made_by=_command(name),
    )
    return Record(name, measured)


def load_spread(name: str) -> Record:
    """The committed comparison `name` (rnnlab/data/spread_NAME.json)."""
    path = record_path(name)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing: run {_command(name)}")
    data = json.loads(path.read_text())
    return Record(name, {m: Spread(made_by=_command(name), **s) for m, s in data["measures"].items()})


def save_record(record: Record) -> None:
    import torch

    data = {
        "made_by": _command(record.name),
        "torch": torch.__version__.split("+")[0],
        "measures": {m: s.to_json() for m, s in record.spreads.items()},
    }
    record_path(record.name).write_text(json.dumps(data, indent=1) + "\n")


def main(argv=None) -> int:
    import argparse

    import torch

    parser = argparse.ArgumentParser(
        prog="python -m rnnlab.spread", description="Run a lecture's comparison over its seeds and commit the figures."
    )
    parser.add_argument("command", choices=["make", "show"])
    parser.add_argument("names", nargs="*", help=f"one or more of: {', '.join(RECORDS)} (default: all)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    for name in args.names or list(RECORDS):
        record = make_record(name) if args.command == "make" else load_spread(name)
        if args.command == "make":
            save_record(record)
            print(f"wrote {record_path(name)}")
        for spread in record.spreads.values():
            print(spread.table(), "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
