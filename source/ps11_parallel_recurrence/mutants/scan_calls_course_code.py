"""Exercise 1 answered with the course's own rnnlab.minrnn.log_scan (the function the lecture uses):
right values, but the exercise asks for the scan to be written, and the tests fail a function that
calls the course's scans."""

EXPECT = {"lose": ["log_scan"]}
CELLS = {
    "log_scan": """
from rnnlab.minrnn import log_scan as _scan

def log_scan(log_a, log_b, log_h0=None):
    return _scan(log_a, log_b, log_h0)
"""
}
