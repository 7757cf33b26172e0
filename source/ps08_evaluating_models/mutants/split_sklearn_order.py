"""Exercise 2, wrong: the four results in scikit-learn's train_test_split order (X_train, X_test,
y_train, y_test) instead of the exercise's (X_train, y_train, X_test, y_test)."""

EXPECT = {"lose": ["chronological_split"]}
EDITS = {
    "chronological_split": [
        (
            "return inputs[:end], targets[:end], inputs[start:], targets[start:]",
            "return inputs[:end], inputs[start:], targets[:end], targets[start:]",
        )
    ]
}
