"""Exercise 1, wrong: precision and recall divided without a guard, so a class never predicted or
never present gets nan (0/0) where the exercise asks for 0.0."""

EXPECT = {"lose": ["classification_metrics"]}
EDITS = {
    "classification_metrics": [
        (
            "precision = torch.where(predicted > 0, hits / predicted.clamp(min=1), 0.0)",
            "precision = hits / predicted",
        ),
        ("recall = torch.where(present > 0, hits / present.clamp(min=1), 0.0)", "recall = hits / present"),
    ]
}
