"""The instructor's tools, one subpackage per job (docs/architecture.md): grading a class, the
term's gradebook and its outputs, authoring problem sets, publishing to students, deploying.
`python -m autograder` is their command line (the Makefile calls it)."""

import sys

# jsonschema imports rfc3987_syntax when it is installed (jupyter-events asks for it), and that
# import compiles a grammar: about 1.9 s in every grading process, for the "iri" string format,
# which nothing here validates. Declaring the module absent makes jsonschema skip that format.
sys.modules.setdefault("rfc3987_syntax", None)
