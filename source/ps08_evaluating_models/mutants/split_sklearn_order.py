"""Exercise 2, wrong: the four results in scikit-learn's train_test_split order (X_train, X_test,
y_train, y_test) instead of the exercise's (X_train, y_train, X_test, y_test)."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        (
            "return inputs[:cut], targets[:cut], inputs[cut:], targets[cut:]",
            "return inputs[:cut], inputs[cut:], targets[:cut], targets[cut:]",
        )
    ]
}
