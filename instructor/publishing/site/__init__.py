"""The course as a static website (`make site`): instructor.publishing.site.build writes it, instructor.publishing.site.bake
bakes each widget's states in the lecture's kernel, instructor.publishing.site.render draws a widget as HTML."""
