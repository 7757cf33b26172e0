"""make bench's browser section: how the in-page timings of the browser tests are summarised."""
from bench.run import browser_latency, browser_lines


def _run(figure, readout, largest):
    return {"02-rnn-unroll": {"repeats": 5, "readout_ms": readout, "src_ms": figure - 30,
                              "decoded_ms": figure - 10, "figure_ms": figure, "figure_max_ms": largest},
            "01-quiz": {"repeats": 5, "readout_ms": readout, "readout_max_ms": largest}}


def test_runs_give_the_median_of_medians_and_the_largest_maximum():
    runs = [_run(100, 40, 150), _run(400, 50, 900), _run(120, 45, 130)]
    got = browser_latency(runs)
    assert got["02-rnn-unroll"]["figure_ms"] == 120 and got["02-rnn-unroll"]["figure_max_ms"] == 900
    assert got["02-rnn-unroll"]["readout_ms"] == 45 and got["02-rnn-unroll"]["repeats"] == 15
    assert got["01-quiz"] == {"repeats": 15, "readout_ms": 45, "readout_max_ms": 900}


def test_table_judges_the_painted_figure_and_names_what_was_timed_instead():
    latency = browser_latency([_run(310, 40, 350)])
    latency["10-attention-map-typed"] = dict(latency["02-rnn-unroll"], figure_ms=90.0)
    layout = {"02-rnn-unroll": {"displayed": [934, 326]}, "01-quiz": {"displayed": [934, 1638]},
              "05-quiz": {"displayed": [934, 1482]}, "10-attention-map": {"displayed": [934, 321]}}
    rows = {line.split(" | ")[0][2:]: line for line in browser_lines(
        {"browser_latency": latency, "browser_layout": layout}) if line.startswith("| 0") or line.startswith("| 1")}
    assert "310 (350) | **over budget**" in rows["02-rnn-unroll"]
    assert "40 (350) | | | | within budget" in rows["01-quiz"]
    assert "as 01-quiz" in rows["05-quiz"]                      # the same widget, timed once
    assert "not measured" in rows["10-attention-map"]
    assert "90.0 (350) | within budget | 934x321" in rows["10-attention-map-typed"]   # its widget's layout
