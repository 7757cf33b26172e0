"""Re-checks for ps01: sliding_windows, one_hot, to_rnn_layout and the quiz answers."""

import torch

from autograder.grading.recheck import Case, graded_quiz_cases

RAISES = (
    "try:\n    {call}\n    result = 'no error'\n"
    "except ValueError:\n    result = 'ValueError'\n"
    "except Exception as err:\n    result = type(err).__name__\n"
)


def _windows_case(k, n, features, window, horizon):
    with torch.random.fork_rng():
        torch.manual_seed(9000 + k)
        series = torch.randn(n) if features is None else torch.randn(n, features)
    count = n - window - horizon + 1
    starts = torch.arange(count)
    expected = (series[starts[:, None] + torch.arange(window)], series[starts + window + horizon - 1])
    return Case(
        f"make_windows_{k}",
        ["make_windows_visible", "make_windows_hidden"],
        "result = tuple(sliding_windows(series, window, horizon))",
        dict(series=series, window=window, horizon=horizon),
        expected,
    )


def _one_hot_case(k, texts, alphabet):
    expected = torch.zeros(len(texts[0]), len(texts), len(alphabet))
    for b, text in enumerate(texts):
        for t, ch in enumerate(text):
            expected[t, b, alphabet.index(ch)] = 1.0
    code = "value = one_hot(texts, alphabet)\nresult = (value, str(value.dtype))"
    return Case(
        f"one_hot_{k}",
        ["one_hot_visible", "one_hot_hidden"],
        code,
        dict(texts=texts, alphabet=alphabet),
        (expected, "torch.float32"),
    )


def _layout_case(k, layout, batch_first):
    with torch.random.fork_rng():
        torch.manual_seed(9100 + k)
        tbf = torch.randn(4, 3, 2)
    x = tbf.permute(*["TBF".index(d) for d in layout]).contiguous()
    expected = tbf.transpose(0, 1) if batch_first else tbf
    return Case(
        f"to_rnn_layout_{k}",
        ["to_rnn_layout_visible", "to_rnn_layout_hidden"],
        "result = to_rnn_layout(x, layout, batch_first=batch_first)",
        dict(x=x, layout=layout, batch_first=batch_first),
        expected.contiguous(),
    )


def cases(course):
    out = [
        _windows_case(0, 20, None, 4, 3),
        _windows_case(1, 11, 2, 3, 1),
        Case(
            "make_windows_int64",
            ["make_windows_hidden"],
            "_r = sliding_windows(series, 3, 2)\nresult = (_r[0], _r[1], str(_r[0].dtype), str(_r[1].dtype))",
            {"series": torch.arange(10, 19)},
            (torch.arange(10, 15)[:, None] + torch.arange(3), torch.arange(14, 19), "torch.int64", "torch.int64"),
        ),
        Case(
            "make_windows_short",
            ["make_windows_visible", "make_windows_hidden"],
            RAISES.format(call="sliding_windows(torch.zeros(6), 4, 3)"),
            {},
            "ValueError",
        ),
    ]
    out += [
        _one_hot_case(0, ["dcab", "aadb", "bbbc"], "bdca"),
        _one_hot_case(1, ["xy"], "yxz"),
        Case(
            "one_hot_unknown",
            ["one_hot_visible", "one_hot_hidden"],
            RAISES.format(call="one_hot(['ab', 'aq'], 'ab')"),
            {},
            "ValueError",
        ),
    ]
    out += [
        _layout_case(0, "BFT", False),
        _layout_case(1, "FTB", True),
        _layout_case(2, "TBF", True),
        Case(
            "to_rnn_layout_bad",
            ["to_rnn_layout_visible", "to_rnn_layout_hidden"],
            RAISES.format(call="to_rnn_layout(torch.zeros(2, 3, 4), 'TBB')"),
            {},
            "ValueError",
        ),
    ]
    out += graded_quiz_cases("ps01_sequence_data", course)
    return out
