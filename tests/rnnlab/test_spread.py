"""Comparisons over seeds (rnnlab.spread, issue 54), and the guards of their class.

- `Spread`'s figures (median, range, wins, best-of-all counts) against hand-computed ones;
- every committed record (rnnlab/data/spread_*.json) is the registered comparison over its
  registered seeds, and one seed of one record is measured again and found in it;
- a lecture that states a count of seeds ("10 of 12 seeds", "seeds 0 to 4", "every seed
  tried") prints a comparison over seeds beside it: the count comes from a table, not from a
  run made while writing;
- a lecture cuts time-ordered data only with the course's splits, whose scaling statistics
  come from the training part: none standardises with figures of the years it validates on.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import nbformat
import pytest
import torch

from rnnlab import spread
from rnnlab.spread import RECORDS, Spread, load_spread, over_seeds

REPO = Path(__file__).resolve().parents[2]
LECTURES = sorted((REPO / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def example() -> Spread:
    return Spread(
        "loss", (0, 1, 2, 3), {"a": (1.0, 2.0, 3.0, 10.0), "b": (2.0, 1.0, 4.0, 10.0), "c": (5.0, 5.0, 0.5, 9.0)}
    )


def test_median_range_wins_and_best_counts():
    s = example()
    assert s.median("a") == 2.5 and s.range("c") == (0.5, 9.0)
    assert s.wins("a", "b") == 2 and s.wins("b", "a") == 1  # a tie (seed 3) is no win
    assert [s.best_on(arm) for arm in "abc"] == [1, 1, 2]  # seed 3: c alone; ties count for both
    assert s.count("c", 4.0) == 1
    assert s.only("a", "b").best_on("a") == 3 and list(s.only("c", "a").values) == ["c", "a"]
    higher = Spread("accuracy", (0, 1), {"x": (0.9, 0.5), "y": (0.8, 0.6)}, lower_is_better=False)
    assert higher.wins("x", "y") == 1 and higher.count("x", 0.85) == 1 and higher.best_on("y") == 1


def test_table_shows_each_arm_median_range_and_wins():
    lines = example().table(digits=2).splitlines()
    assert lines[0] == "loss over 4 seeds (0 to 3), lower is better"
    assert re.fullmatch(r"a\s+2\.50\s+1\.00 - 10\.00\s+on 1 of 4 seeds", lines[2]), lines[2]
    assert re.fullmatch(r"c\s+5\.00\s+0\.50 - 9\.00\s+on 2 of 4 seeds", lines[4]), lines[4]
    against = example().table(against="a").splitlines()
    assert against[2].endswith("10.000      -") and against[3].endswith("on 1 of 4 seeds")  # the arm itself: "-"
    assert "made by" not in example().table()
    tied = Spread("m", (0, 1), {"a": (1.0, 2.0), "b": (1.0, 3.0)})
    assert (
        tied.ties() == 1
        and tied.table().splitlines()[-1] == "(on 1 of 2 seeds arms tied for the best: each of them counts it)"
    )
    assert example().ties() == 0 and "tied" not in example().table()
    made = Spread("m", (5, 7), {"a": (1, 2)}, made_by="python -m rnnlab.spread make x").table()
    assert "2 seeds (5, 7)" in made and made.endswith("(a committed record, made by `python -m rnnlab.spread make x`)")
    # a measure each arm takes on its own data (chapter 08's training windows): no column of wins
    alone = example().table(digits=2, compare=False).splitlines()
    assert not any("seeds" in line or "best" in line for line in alone[1:]), alone
    assert re.fullmatch(r"a\s+2\.50\s+1\.00 - 10\.00", alone[2]), alone[2]


def test_over_seeds_gathers_one_spread_per_measure():
    def run(seed):
        return {"m1": {"a": seed, "b": -seed}, "m2": {"a": 2 * seed}}

    out = over_seeds(run, [3, 1], lower_is_better={"m1": True, "m2": False})
    assert out["m1"].values == {"a": (3.0, 1.0), "b": (-3.0, -1.0)} and out["m1"].seeds == (3, 1)
    assert out["m2"].lower_is_better is False and out["m2"].median("a") == 4.0
    with pytest.raises(ValueError, match="at least one seed"):
        over_seeds(run, [])
    with pytest.raises(ValueError, match="3 values for 2 seeds"):
        Spread("m", (0, 1), {"a": (1, 2, 3)})
    with pytest.raises(ValueError, match="no comparison named 'nope'"):
        spread.make_record("nope")


@pytest.mark.parametrize("name", sorted(RECORDS))
def test_every_record_is_its_registered_comparison(name):
    data = json.loads(spread.record_path(name).read_text())
    assert data["made_by"] == f"python -m rnnlab.spread make {name}"
    assert data["torch"] == torch.__version__.split("+")[0]
    record = load_spread(name)
    module, function = RECORDS[name][0].split(":")
    lower = getattr(getattr(importlib.import_module(module), function), "LOWER_IS_BETTER", True)
    for measure, s in record.spreads.items():
        assert s.seeds == RECORDS[name][1], (name, measure)
        assert s.lower_is_better == lower, f"{name}: {measure} says the opposite of its measuring function"
        assert len(s.values) >= 2, f"{name}: {measure} compares nothing"
        assert s.table().endswith(f"made by `python -m rnnlab.spread make {name}`)")


def test_a_record_is_measured_again():
    """Seed 1 of the leakage record, measured now (about 2 s): the same figures, up to the last
    bits another CPU may change (training amplifies them a little)."""
    target, seeds = RECORDS["leakage"]
    again = spread.make_record("leakage", seeds=[1])
    recorded = load_spread("leakage")
    for measure, s in again.spreads.items():
        for arm, (value,) in s.values.items():
            assert value == pytest.approx(recorded[measure].values[arm][seeds.index(1)], rel=0.05), (measure, arm)


def test_records_agree_with_the_seed_zero_records_the_lectures_show():
    """Chapter 06 and 07 show one run from seed 0 (depth_runs.json, adding_race.json) above the
    spread over seeds: the spread's seed 0 is that run, so the two were made on one machine."""
    from rnnlab.adding import load_race
    from rnnlab.depth import arm_name, load_depth_runs

    race = load_spread("race")
    for run in load_race():
        assert race["best evaluation MSE"].values[run.label][0] == pytest.approx(run.best_mse, rel=1e-6), run.label
    depth = load_spread("depth")["lowest validation MSE of the run"]
    for key, run in load_depth_runs().items():
        assert depth.values[arm_name(*key)][0] == pytest.approx(run.best_val[1], rel=1e-6), key


def test_a_missing_record_says_how_to_make_it(monkeypatch, tmp_path):
    monkeypatch.setattr(spread, "DATA", tmp_path)
    with pytest.raises(FileNotFoundError, match="run python -m rnnlab.spread make depth"):
        load_spread("depth")


# ---- the lectures: counts of seeds come from a printed comparison ------------------------------

_NUM = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|sixteen)"
SEED_COUNT = re.compile(
    rf"\b{_NUM} (?:of (?:the )?)?(?:\w+ ){{0,2}}seeds\b|\bseeds \d+ to \d+|\bevery seed\b"
    rf"|\ball (?:\w+ )?seeds\b|\bfor \w+ seeds\b|\bmost (?:\w+ )?seeds\b|\bseeds we tried\b",
    re.I,
)
SPREAD_CALL = re.compile(r"\b(?:load_spread|over_seeds)\(|\.(?:only|table)\(")


def seed_count_problems(nb, name: str, reach: int = 2) -> list[str]:
    problems = []
    cells = nb.cells
    for i, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        for m in SEED_COUNT.finditer(cell.source):
            # key takeaways may cite any comparison of the notebook, as they may cite any output
            near = cells if "Key takeaways" in cell.source else cells[max(0, i - reach) : i + reach + 1]
            if not any(c.cell_type == "code" and SPREAD_CALL.search(c.source) for c in near):
                problems.append(
                    f"{name} cell {i}: {m.group(0)!r} with no comparison over seeds printed beside it "
                    f"(rnnlab.spread's load_spread or over_seeds within {reach} cells)"
                )
    return problems


@pytest.mark.parametrize("path", LECTURES, ids=lambda p: p.stem)
def test_counts_of_seeds_come_from_a_printed_comparison(path):
    problems = seed_count_problems(nbformat.read(path, as_version=4), path.stem)
    assert not problems, "\n".join(problems)


def test_the_seed_count_check_can_fail():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    nb = nbformat.v4.new_notebook(
        cells=[
            md("We tried 8 training seeds: it won in 7 of them."),
            code("x = 1"),
            md("Over seeds 0 to 4 it held."),
            code("print(load_spread('depth').table())"),
        ]
    )
    assert [p.split(":")[0] for p in seed_count_problems(nb, "nb")] == ["nb cell 0"]
    assert "'8 training seeds'" in seed_count_problems(nb, "nb")[0]
    assert not seed_count_problems(nbformat.v4.new_notebook(cells=[md("the same seed; from seed 0")]), "nb")
    assert seed_count_problems(nbformat.v4.new_notebook(cells=[md("none for most training seeds")]), "nb")
    takeaways = md("## Key takeaways\n\n- over 8 seeds it held")
    assert seed_count_problems(nbformat.v4.new_notebook(cells=[takeaways]), "nb")
    assert not seed_count_problems(nbformat.v4.new_notebook(cells=nb.cells + [code("y = 2")] * 3 + [takeaways]), "nb")[
        1:
    ]


# ---- the lectures: scaling statistics from the training part only ------------------------------

HAND_SPLIT = re.compile(r"\b[Xxy]_train\[[^\]]*:")  # windows cut out of a training set by hand


def test_lectures_cut_time_only_with_the_course_splits():
    """A validation set cut out of training windows by hand keeps the scaling of the whole
    training period, validation years included (chapter 08 did, issue 54); the course's splits
    standardise with their own training part."""
    found = [
        f"{p.stem} cell {i}: {line.strip()}"
        for p in LECTURES
        for i, c in enumerate(nbformat.read(p, as_version=4).cells)
        if c.cell_type == "code"
        for line in c.source.splitlines()
        if HAND_SPLIT.search(line)
    ]
    assert not found, "cut with rnnlab.forecast.sunspot_data(..., years=...) instead:\n" + "\n".join(found)
    assert HAND_SPLIT.search("X_fit = data.X_train[-150:-60]") and not HAND_SPLIT.search("data.X_train.shape")


def _series_with(monkeypatch, change):
    from rnnlab import depth, series

    years, values = series.sunspots()
    values = values.clone()
    change(years, values)
    for module in (series, depth):
        monkeypatch.setattr(module, "sunspots", lambda: (years, values))


@pytest.mark.parametrize(
    "split",
    [
        dict(window=12, test_size=60),
        dict(window=12, test_size=60, years=(1787, 1948)),  # chapter 08's validation split
        dict(window=5, test_size=20, horizons=3),
    ],
)
def test_sunspot_data_scales_with_its_training_values_only(monkeypatch, split):
    from rnnlab.forecast import sunspot_data

    base = sunspot_data(**split)
    first_test = int(base.years_test[0])
    _series_with(monkeypatch, lambda years, v: v.__setitem__(torch.as_tensor(years >= first_test), 1e4))
    after = sunspot_data(**split)
    assert (after.mean, after.std) == (base.mean, base.std), "the test years changed the scaling"
    last_train = int(base.years_train[-1])
    _series_with(monkeypatch, lambda years, v: v.__setitem__(torch.as_tensor(years == last_train), 1e4))
    assert sunspot_data(**split).mean != base.mean, "the check can fail: a training year moves the mean"


def test_chapter_08s_validation_split_is_its_own_period():
    from rnnlab.forecast import sunspot_data

    part = sunspot_data(window=12, test_size=60, years=(1787, 1948))
    assert (part.years_train[0], part.years_train[-1], part.years_test[0], part.years_test[-1]) == (
        1799,
        1888,
        1889,
        1948,
    )
    with pytest.raises(ValueError, match="no sunspot year between 1500 and 1600"):
        sunspot_data(years=(1500, 1600))


def test_sunspot_windows_scale_with_the_training_years_only(monkeypatch):
    from rnnlab.depth import sunspot_windows

    base = sunspot_windows(window=8, split_year=1930)
    _series_with(monkeypatch, lambda years, v: v.__setitem__(torch.as_tensor(years >= 1930), 1e4))
    after = sunspot_windows(window=8, split_year=1930)
    assert torch.equal(after.x_train, base.x_train), "the validation years changed the scaling"
    _series_with(monkeypatch, lambda years, v: v.__setitem__(torch.as_tensor(years == 1929), 1e4))
    assert not torch.equal(sunspot_windows(window=8, split_year=1930).x_train, base.x_train)


# ---- passes over a fixed training set: named, and training beside held-out (issue 78 §1) -------

# How the arms of each registered comparison draw the examples they train on. FRESH: new random
# examples at every step (with ten letters, seq2seq's strings of 3 to 6 letters do come round
# again, but none of the lengths its record scores: a test below checks it, seed by seed).
# FIXED: a fixed set of examples (or one short text) read again and again, with what counts the
# passes a run makes over it (depth and leakage train full batch: one step, one pass).
FRESH = {"tagger", "race", "seq2seq"}
FIXED = {
    "depth": lambda: importlib.import_module("rnnlab.depth").passes(),
    "leakage": lambda: importlib.import_module("rnnlab.forecast").LEAKAGE["steps"],
    # chapter 09's and 11's comparisons read one short text again and again: 32 x 16 characters a
    # step of train_lm, random windows of 32 x 64 in chapter 11; each lecture names the passes of one point
    "lm": lambda: round(400 * 32 * 16 / _corpus_length()),
    "minrnn": lambda: round(importlib.import_module("rnnlab.minrnn").passes(300, _corpus_length())),
}


def _corpus_length() -> int:
    """Characters of the training text of chapters 09 and 11."""
    return len(importlib.import_module("rnnlab.language_model").code_corpus(600, seed=0))


def lecture_printing(name: str) -> tuple[Path, nbformat.NotebookNode]:
    call = f'load_spread("{name}")'
    notebooks = [(p, nbformat.read(p, as_version=4)) for p in LECTURES]
    found = [(p, nb) for p, nb in notebooks if any(call in c.source for c in nb.cells if c.cell_type == "code")]
    assert len(found) == 1, f"{name}: printed by {[p.stem for p, _ in found]}, expected one lecture"
    return found[0]


def test_every_record_says_how_its_arms_draw_their_training_examples():
    """A new comparison is sorted here before it lands: fresh examples, or a fixed set whose
    passes the lecture names and whose record holds a training measure."""
    assert not FRESH & set(FIXED)
    assert set(RECORDS) == FRESH | set(FIXED), set(RECORDS) ^ (FRESH | set(FIXED))


def fixed_set_problems(name: str, record, nb, passes: int) -> list[str]:
    measures = list(record.spreads)
    training = [m for m in measures if m.startswith("training")]
    held_out = [m for m in measures if not m.startswith("training")]
    problems = []
    if not training or not held_out:
        problems.append(f"{name}: a fixed training set and no training measure beside {held_out}")
    # a held-out figure taken at some point of the run ("after 30 passes", "at the end") has its
    # training figure at that point: which way each moved is what tells memorising from a harder set
    for m in held_out:
        point = re.search(r" (after \d+ \w+|at the end)$", m)
        if training and point and not any(t.endswith(point.group(0)) for t in training):
            problems.append(f"{name}: {m!r} and no training measure {point.group(1)}")
    for m in training:
        if set(record[m].values) != set(record[held_out[0]].values):
            problems.append(f"{name}: {m!r} has other arms than {held_out[0]!r}")
        printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))
        seeds = record[m].seed_text()  # a line naming training over the record's seeds: its table or its medians
        if not any("training" in line and seeds in line for line in printed.splitlines()):
            problems.append(f"{name}: the lecture does not print {m!r}")
    prose = " ".join(c.source.replace("**", "") for c in nb.cells if c.cell_type == "markdown")
    if not re.search(rf"\b{passes} passes\b", prose):
        problems.append(f"{name}: the lecture never says its runs make {passes} passes over their training set")
    return problems


@pytest.mark.parametrize("name", sorted(FIXED))
def test_a_comparison_on_a_fixed_set_names_its_passes_and_shows_training_beside_held_out(name):
    _, nb = lecture_printing(name)
    problems = fixed_set_problems(name, load_spread(name), nb, FIXED[name]())
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(FRESH))
def test_a_comparison_on_fresh_examples_says_so(name):
    path, nb = lecture_printing(name)
    prose = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert re.search(r"\bfresh\b", prose), f"{path.stem} prints {name} and never says its examples are fresh"


def seq2seq_strings_met_in_training(record) -> dict[int, dict[int, int]]:
    """For each seed of chapter 10's record, how many of the strings it scores at each of its
    lengths that seed's runs also trained on (only those lengths that have any)."""
    from rnnlab.seq2seq import seen_in_training

    lengths = [int(re.fullmatch(r"exact match at (\d+) letters", m).group(1)) for m in record.spreads]
    seeds = record[next(iter(record.spreads))].seeds
    met = {seed: seen_in_training(lengths, seed=seed) for seed in seeds}
    return {seed: {k: n for k, n in counts.items() if n} for seed, counts in met.items() if any(counts.values())}


def test_a_fresh_record_scores_strings_its_runs_never_trained_on():
    """Chapter 10's record is FRESH: none of its test strings is one its seed's runs met in
    training (about 3 s), though shorter ones are (the check's own test below)."""
    assert not seq2seq_strings_met_in_training(load_spread("seq2seq"))


def test_the_met_in_training_check_can_fail():
    record = load_spread("seq2seq")
    short = spread.Record("seq2seq", {"exact match at 4 letters": record["exact match at 12 letters"]})
    met = seq2seq_strings_met_in_training(short)
    assert set(met) == set(record["exact match at 12 letters"].seeds) and met[0] == {4: 136}, met


def test_the_fixed_set_check_can_fail():
    md, code = nbformat.v4.new_markdown_cell, nbformat.v4.new_code_cell
    record = load_spread("depth")
    held_out_only = spread.Record("depth", {m: s for m, s in record.spreads.items() if not m.startswith("training")})
    silent = nbformat.v4.new_notebook(cells=[md("108 full-batch steps"), code("x = 1")])
    problems = fixed_set_problems("depth", held_out_only, silent, 108)
    assert len(problems) == 2 and "no training measure" in problems[0] and "never says" in problems[1], problems
    assert fixed_set_problems("depth", record, silent, 108) == [
        "depth: the lecture does not print 'training MSE at the end'",
        "depth: the lecture never says its runs make 108 passes over their training set",
    ]
    printed = code("print(t.table())")
    seeds = record["training MSE at the end"].seed_text()
    printed.outputs = [nbformat.v4.new_output("stream", text=f"training MSE at the end over {seeds}")]
    told = nbformat.v4.new_notebook(cells=[md("makes **108 passes** over them"), printed])
    assert not fixed_set_problems("depth", record, told, 108)
    assert fixed_set_problems("depth", record, told, 120) == [
        "depth: the lecture never says its runs make 120 passes over their training set"
    ]
    # a held-out measure at a point where the record has no training figure (leakage's record before
    # it held the training MSE after 30 passes)
    early = spread.Record(
        "depth", {**record.spreads, "validation MSE after 30 passes": record["validation MSE at the end"]}
    )
    assert fixed_set_problems("depth", early, told, 108) == [
        "depth: 'validation MSE after 30 passes' and no training measure after 30 passes"
    ]
