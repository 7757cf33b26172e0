"""Allocates memory until something gives. The address-space limit turns it into a MemoryError
in that cell; the kernel survives and grading goes on."""

EXPECT = {"lose": ["lstm_step_backward"], "output_has": ["MemoryError"]}
CELLS = {
    "lstm_step_backward": """
def _grab():
    blocks = []
    while True:
        blocks.append(bytearray(256 * 1024 * 1024))
_grab()
"""
}
