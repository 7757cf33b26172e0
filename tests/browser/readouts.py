"""Reading a widget's readout in the page, for the chapter tests."""


def _readout(widget, name):
    return widget.locator(f".rnnlab-readout tr[data-name='{name}'] td").nth(1)
