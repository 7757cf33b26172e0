"""Exercise 3, wrong: the counts left as 0-d tensors (no int(...)), so the dict holds tensors for the
four counts and for the accuracy."""

EXPECT = {"lose": ["evaluate_classifier"]}
EDITS = {
    "evaluate_classifier": [
        (
            "    tp, fp = int((flagged & positive).sum()), int((flagged & ~positive).sum())\n"
            "    fn, tn = int((~flagged & positive).sum()), int((~flagged & ~positive).sum())",
            "    tp, fp = (flagged & positive).sum(), (flagged & ~positive).sum()\n"
            "    fn, tn = (~flagged & positive).sum(), (~flagged & ~positive).sum()",
        )
    ]
}
