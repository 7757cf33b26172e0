"""make bench's browser section: how the in-page timings of the browser tests are summarised."""

from bench.run import browser_latency, browser_lines


def _run(figure, readout, largest):
    return {
        "02-rnn-unroll": {
            "repeats": 5,
            "readout_ms": readout,
            "src_ms": figure - 30,
            "decoded_ms": figure - 10,
            "figure_ms": figure,
            "figure_max_ms": largest,
        },
        "01-quiz": {"repeats": 5, "readout_ms": readout, "readout_max_ms": largest},
    }


def test_runs_give_the_median_of_medians_and_the_largest_maximum():
    runs = [_run(100, 40, 150), _run(400, 50, 900), _run(120, 45, 130)]
    got = browser_latency(runs)
    assert got["02-rnn-unroll"]["figure_ms"] == 120 and got["02-rnn-unroll"]["figure_max_ms"] == 900
    assert got["02-rnn-unroll"]["readout_ms"] == 45 and got["02-rnn-unroll"]["repeats"] == 15
    assert got["01-quiz"] == {"repeats": 15, "readout_ms": 45, "readout_max_ms": 900}


def test_table_judges_the_painted_figure_and_names_what_was_timed_instead():
    latency = browser_latency([_run(310, 40, 350)])
    latency["10-attention-map-typed"] = dict(latency["02-rnn-unroll"], figure_ms=90.0)
    layout = {
        "02-rnn-unroll": {"displayed": [934, 326]},
        "01-quiz": {"displayed": [934, 1638]},
        "05-quiz": {"displayed": [934, 1482]},
        "10-attention-map": {"displayed": [934, 321]},
    }
    rows = {
        line.split(" | ")[0][2:]: line
        for line in browser_lines({"browser_latency": latency, "browser_layout": layout})
        if line.startswith("| 0") or line.startswith("| 1")
    }
    assert "310 (350) | **over budget**" in rows["02-rnn-unroll"]
    assert "40 (350) | | | | within budget" in rows["01-quiz"]
    assert "as 01-quiz" in rows["05-quiz"]  # the same widget, timed once
    assert "not measured" in rows["10-attention-map"]
    assert "90.0 (350) | within budget | 934x321" in rows["10-attention-map-typed"]  # its widget's layout


def _make_test_output(summaries):
    """make test's own commands (make -n prints them as make test echoes them), each pytest command
    followed by a summary of pytest's from `summaries`, in order, and make test's last line."""
    import subprocess

    from bench.run import REPO

    echoed = subprocess.run(
        ["make", "-n", "--no-print-directory", "test"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    out, pending, given = [], False, iter(summaries)
    for line in echoed.splitlines():
        out.append(line)
        pending = pending or " -m pytest " in line
        if pending and not line.endswith("\\"):
            out += ["...........  [100%]", next(given)]
            pending = False
    return "\n".join(out[:-1] + ["make test: all parts passed in 1343 s"])


def test_each_part_of_make_test_is_told_apart_from_its_own_command():
    from bench.run import TEST_PARTS, parts_of_make_test

    summaries = [f"{k + 1} passed, 2 deselected in {10.5 * (k + 1):.2f}s (0:00:10)" for k in range(len(TEST_PARTS))]
    found = parts_of_make_test(_make_test_output(summaries))
    assert found["whole"] == 1343
    assert [(name, part["tests"], part["seconds"]) for name, part in found["parts"].items()] == [
        (name, f"{k + 1} passed, 2 deselected", round(10.5 * (k + 1), 1)) for k, (name, _) in enumerate(TEST_PARTS)
    ]


def test_a_part_without_its_summary_is_missing_not_taken_from_the_next():
    from bench.run import TEST_PARTS, parts_of_make_test

    summaries = (
        ["5 passed in 1.00s"] + ["no summary here"] + [f"3 passed in {k}.00s" for k in range(len(TEST_PARTS) - 2)]
    )
    found = parts_of_make_test(_make_test_output(summaries))
    assert "notebooks" not in found["parts"] and found["parts"]["grading"]["seconds"] == 0.0


def test_the_tests_part_reads_logs_of_runs_made_elsewhere(tmp_path):
    from bench.run import TEST_PARTS, part_tests

    logs = []
    for k, whole in enumerate((1300, 1400, 1200)):
        log = tmp_path / f"make-test-{k}.log"
        log.write_text(
            _make_test_output([f"{j + 1} passed in {100 * (k + 1) + j}.00s" for j in range(len(TEST_PARTS))]).replace(
                "1343 s", f"{whole} s"
            )
        )
        logs.append(log)
    part = part_tests(5, logs)
    assert part["make_test_seconds"] == 1300 and part["parts"]["unit"]["seconds"] == 200.0
    assert [r["where"] for r in part["runs"]] == [f"the log make-test-{k}.log" for k in range(3)]
    (tmp_path / "bad.log").write_text("1 passed in 1.00s\nmake test: all parts passed in 9 s\n")
    try:
        part_tests(1, [tmp_path / "bad.log"])
    except RuntimeError as err:
        assert "unit" in str(err)
    else:
        raise AssertionError("a log without the parts' summaries was taken")


def test_a_real_fresh_clone_log_gives_every_part():
    """The whole output of `make test` in a fresh clone of 9ab1b56 (installs, pip's warnings, xdist's
    lines and all), as the bench read it for bench/REPORT.md."""
    from pathlib import Path

    from bench.run import parts_of_make_test

    log = (Path(__file__).parents[1] / "data" / "make-test-fresh-clone.log").read_text()
    found = parts_of_make_test(log)
    assert found["whole"] == 1370
    assert {name: part["seconds"] for name, part in found["parts"].items()} == {
        "unit": 188.5,
        "notebooks": 138.2,
        "hub": 137.5,
        "grading": 595.1,
        "website": 175.8,
        "JupyterLab": 253.1,
    }
    assert found["parts"]["grading"]["tests"] == "672 passed, 4 warnings"
