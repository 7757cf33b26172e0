"""What every instructor tool reads about the course: where things are in its folder and how to run
nbgrader there (course), its problem sets found from their folders (problemsets), its chapters and
the README's course map (chapters), what is secret in them and what students are taught (leakscan,
taught), the names in what students hand in (names), text a student controls shown safely
(untrusted, csvcells). Imports nothing of the other subpackages."""
