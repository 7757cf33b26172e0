"""Library copy of forecaster: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.forecast.naive_forecast and
rnnlab.forecast.Forecaster, chapter 04's baseline and model of the same names."""

LIBRARY = {"rnnlab.forecast.naive_forecast": "naive_forecast", "rnnlab.forecast.Forecaster": "Forecaster"}
EXPECT = {"lose": ["forecaster"]}
CELLS = {"forecaster": "{library}"}
