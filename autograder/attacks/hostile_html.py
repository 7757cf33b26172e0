"""HTML and JavaScript meant for the instructor's browser: an explain answer with `<img onerror>`
and `<script>`, and outputs of type text/html, application/javascript and image/svg+xml, all
running one payload that marks the page and writes a file into the course folder through the
contents API (what the formgrader allows the instructor). nbconvert's sanitiser alone let the
`<img onerror>` through. Now student markdown is escaped and only plain outputs are kept, so
the graded notebook, the formgrader and the feedback are inert (tests/test_formgrader.py opens
it in a real browser)."""
PAYLOAD = ("window.__rnnlab_pwned = (window.__rnnlab_pwned || 0) + 1;"
           "fetch('/api/contents/PWNED-formgrader.txt', {method: 'PUT', headers: {'Content-Type': "
           "'application/json', 'X-XSRFToken': (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || ''}, "
           "body: JSON.stringify({type: 'file', format: 'text', content: 'pwned'})});")
IMG = f'<img src="nope.png" onerror="{PAYLOAD}">'
SCRIPT = f"<script>{PAYLOAD}</script>"
SVG_DOC = f'<svg xmlns="http://www.w3.org/2000/svg"><script>{PAYLOAD}</script></svg>'
EXPECT = {"full": True, "output_lacks": ["text/html", "application/javascript", "image/svg+xml"]}
CELLS = {
    "explain_forget": f"The forget gate decides what to keep.\n\n{IMG}\n\n{SCRIPT}\n",
}
EDITS = {"lstm_step": [("def lstm_step(", f"""from IPython.display import HTML, Javascript, SVG, display
display(HTML({IMG!r}))
display(Javascript({PAYLOAD!r}))
display(SVG({SVG_DOC!r}))

def lstm_step(""")]}
