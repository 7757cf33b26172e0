"""Exercise 2, wrong: names the constructor's parameters n_in and n_hid, so MinGRU(input_size=3,
hidden_size=5), as the exercise names them, fails."""

INPUT_CLASS = "keyword"
EXPECT = {"lose": ["min_gru"], "output_has": "should accept its arguments by keyword"}
EDITS = {
    "min_gru": [
        (
            """    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.linear_z = nn.Linear(input_size, hidden_size)
        self.linear_h = nn.Linear(input_size, hidden_size)""",
            """    def __init__(self, n_in, n_hid):
        super().__init__()
        self.linear_z = nn.Linear(n_in, n_hid)
        self.linear_h = nn.Linear(n_in, n_hid)""",
        )
    ]
}
