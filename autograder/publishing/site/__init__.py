"""The course as a static website (`make site`): build writes it, bake bakes each widget's states
in the lecture's kernel, render draws a widget as HTML."""
