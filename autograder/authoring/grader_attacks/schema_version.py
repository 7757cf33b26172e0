"""A cell with nbgrader schema_version 4, which makes stock nbgrader abort the whole class's run.
Here the metadata is restored and the submission graded like any other."""

EXPECT = {"full": True, "flag": "schema_version"}


def mutate(nb):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "lstm_step_backward":
            cell.metadata["nbgrader"]["schema_version"] = 4
