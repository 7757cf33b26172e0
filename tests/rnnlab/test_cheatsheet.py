"""The cheat sheet's tables agree with the rules the course teaches."""

from rnnlab import cheatsheet


def test_shape_rows_follow_the_rules():
    rows = cheatsheet.shape_rows(input_size=10, hidden_size=20, seq_len=7, batch=3, proj_size=5)
    assert len(rows) == 3 * 2 * 2 * 2 + 8  # LSTM also with proj_size
    for r in rows:
        d = 2 if r["bidirectional"] else 1
        h_out = r["proj_size"] or 20
        expected_out = (3, 7, d * h_out) if r["batch_first"] else (7, 3, d * h_out)
        assert r["output"] == expected_out, r
        assert r["h_n"] == (r["num_layers"] * d, 3, h_out), r  # batch_first never changes h_n
        if r["layer"] == "LSTM":
            assert r["c_n"] == (r["num_layers"] * d, 3, 20), r  # c_n keeps hidden_size
        else:
            assert r["c_n"] is None


def test_parameter_formula_matches_the_layers():
    rows = cheatsheet.parameter_rows()
    assert rows and all(r["formula"] == r["counted"] for r in rows)
    lstm = next(r for r in rows if r["layer"] == "LSTM" and r["num_layers"] == 1 and not r["bidirectional"])
    assert lstm["counted"] == 4 * (20 * 10 + 20 * 20 + 20 + 20)


def test_markdown_table():
    text = cheatsheet.markdown([{"a": True, "b": (1, 2), "c": None}], ["a", "b", "c"])
    assert text.splitlines() == ["| a | b | c |", "|---|---|---|", "| yes | (1, 2) | - |"]


def test_dropout_warning_is_real():
    assert "dropout" in cheatsheet.dropout_warning() and "num_layers" in cheatsheet.dropout_warning()
