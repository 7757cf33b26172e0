"""Library copy of forecaster: the source of the student package's nearest code pasted as the answer,
renamed to the exercise's name; it must lose points. Nearest: rnnlab.forecast.naive_forecast and
rnnlab.forecast.Forecaster, chapter 04's one-step baseline and model (the exercise forecasts several
years)."""

LIBRARY = {"rnnlab.forecast.naive_forecast": "naive_multistep", "rnnlab.forecast.Forecaster": "MultiStepForecaster"}
EXPECT = {"lose": ["forecaster"]}
CELLS = {"forecaster": "{library}"}
