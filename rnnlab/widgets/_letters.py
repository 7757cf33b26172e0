"""The input of chapter 10's widgets: an example picked from a menu, or a string of the letters
a to j typed in; either is checked, then shown with the widget's `show(text)`."""

from __future__ import annotations

import ipywidgets as W

from ..seq2seq import LETTERS
from ._base import typed_text_problem


class LetterInput:
    """Mixin: `letter_controls(examples, value)` makes `self.pick` and `self.typed`; a pick shows
    the example (and clears the typed text), Enter in the text box shows what was typed."""

    max_input: int = 16

    def letter_controls(self, examples: list[str], value: str | None, placeholder: str) -> None:
        unusable = {e: self.check(e) for e in examples if self.check(e)}
        if unusable:  # an example that only shows an error teaches nothing
            raise ValueError(f"examples it cannot show: {unusable}")
        style, layout = {"description_width": "6em"}, W.Layout(width="20em")
        self.pick = W.Dropdown(
            options=examples,
            value=value if value in examples else examples[0],
            description="example",
            style=style,
            layout=layout,
        )
        self.pick.add_class("rnnlab-control-example")
        self.typed = W.Text(
            value="",
            placeholder=placeholder,
            description="or type",
            continuous_update=False,
            style=style,
            layout=layout,
        )
        self.typed.add_class("rnnlab-control-text")
        self.pick.observe(self._picked, names="value")
        self.typed.observe(self._typed, names="value")

    def _picked(self, change) -> None:
        self.typed.value = ""
        self.show(change["new"])

    def _typed(self, change) -> None:
        """Enter shows the typed text as typed (a space before or after it is named, as any other
        character the model cannot take); an emptied box shows the picked example again."""
        self.show(change["new"] or self.pick.value)

    @classmethod
    def check(cls, text: str) -> str | None:
        """Why the model cannot take `text`, or None."""
        return typed_text_problem(text, LETTERS, f"the lower-case letters {LETTERS[0]} to {LETTERS[-1]}", cls.max_input)

    def show(self, text: str) -> None:
        raise NotImplementedError
