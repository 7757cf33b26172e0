"""Opens network connections: to send answers out, or to fetch them."""

EXPECT = {"full": True, "output_has": ["network blocked"], "output_lacks": ["NETWORK-OPEN"]}
CELLS = {
    "quiz": """
import socket
for host, port in [("pypi.org", 443), ("1.1.1.1", 53), ("127.0.0.1", 22), ("10.0.2.2", 80)]:
    try:
        socket.create_connection((host, port), timeout=3).close()
        print("NETWORK-OPEN", host, port)
    except OSError as err:
        print("network blocked:", host, type(err).__name__)
quiz_answers = {"q1": "c", "q2": "b", "q3": "c"}
"""
}
