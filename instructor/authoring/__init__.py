"""Authoring problem sets: the student versions regenerated from source/ (release), the probes and
catalogue of mistakes shipped to students (catalogue), test submissions built from each set's
fixtures (fixtures) and the attack corpus on the grader itself (attacks/)."""
