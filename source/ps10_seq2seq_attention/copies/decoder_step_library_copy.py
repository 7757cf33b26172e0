"""Library copy of decoder_step: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.seq2seq.model_stepper, which
runs one decoder step of chapter 10's model."""

LIBRARY = {"rnnlab.seq2seq.model_stepper": "decoder_step"}
EXPECT = {"lose": ["decoder_step"]}
CELLS = {"decoder_step": "{library}"}
