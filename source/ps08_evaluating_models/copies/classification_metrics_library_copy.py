"""Library copy of classification_metrics: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.metrics.confusion_matrix
and classification_scores, chapter 08's two-class counts and scores (the exercise asks for K classes)."""

LIBRARY = {
    "rnnlab.metrics.confusion_matrix": "class_confusion",
    "rnnlab.metrics.classification_scores": "per_class_scores",
}
EXPECT = {"lose": ["classification_metrics"]}
CELLS = {"classification_metrics": "{library}"}
