"""Authoring problem sets: the student versions regenerated from source/ (release), the probes and
catalogue of mistakes shipped to students (catalogue), test submissions built from each set's
fixtures (fixtures), a demo class to try grading on (demo), what links the notebooks
together, the start page's table of chapters among it (navigation) and the corpus of attacks on the
grader itself (grader_attacks/)."""
