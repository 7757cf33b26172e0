"""Sphinx settings of the course's website (copied into the build folder by autograder.publishing.site.build)."""

import os

repo = os.environ.get("RNNLAB_STUDENT_REPO", "OWNER/REPO")

project = "Recurrent networks in PyTorch, a deep dive"
author = "the course's authors"
extensions = ["myst_nb"]
root_doc = "notebooks/00_start_here"
exclude_patterns = ["_build"]
nb_execution_mode = "off"  # the pages are the lectures as the build ran them
nb_merge_streams = True  # a print a busy kernel flushed in two parts reads as one
nb_render_markdown_format = "gfm"  # Markdown outputs (the cheat sheet's tables) as JupyterLab draws them
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3
mathjax_path = "mathjax/tex-chtml.js"  # served by the site (no CDN: readers may be offline)
html_static_path = ["_static"]
html_css_files = ["baked.css"]
html_js_files = ["baked.js"]
html_title = project
html_favicon = "_static/favicon.svg"  # the browser asks for one on every page
html_theme = "sphinx_book_theme"
# the theme reads the mode from the page when the reader's browser has stored none (a first visit,
# a page opened from disk); without one it logs "Got invalid theme mode" to the console on every page
html_context = {"default_mode": "light"}
html_theme_options = {
    # each chapter's page opens in Colab or on Binder from the students' repository
    "repository_url": f"https://github.com/{repo}",
    "repository_branch": "main",
    "path_to_docs": "",
    "launch_buttons": {
        "colab_url": "https://colab.research.google.com",
        "binderhub_url": "https://mybinder.org",
        "notebook_interface": "jupyterlab",
    },
    "use_repository_button": False,
    "use_download_button": False,
    "navbar_persistent": [],  # one search box (the sidebar's), not a second in a top bar
    "secondary_sidebar_items": [],
    # the page's own contents list: the widgets need the width
}
html_show_sourcelink = False
html_copy_source = False


def _no_colab_for_problem_sets(app, pagename, templatename, context, doctree):
    """A problem set needs the course installed (`make install` or Binder): its page offers
    Binder only (Colab's runtime has no grader's files, and its first cell installs nothing)."""
    if pagename.startswith("release/"):
        for group in context.get("header_buttons", []):
            if group.get("label") == "launch-buttons":
                group["buttons"] = [b for b in group["buttons"] if b.get("text") != "Colab"]


def setup(app):
    app.connect("html-page-context", _no_colab_for_problem_sets, priority=600)  # after the theme's (501)
