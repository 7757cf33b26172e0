"""The course as a static website (`make site`): rnnlab.site.build writes it, rnnlab.site.bake
bakes each widget's states in the lecture's kernel, rnnlab.site.render draws a widget as HTML."""
