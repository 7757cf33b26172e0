// The hand-grading pages' script (autograder/term/handgrade.py), a file the server serves: its
// Content-Security-Policy runs no inline script. MathJax's settings first (it reads them when it
// loads, after this file), then saving each answer's score and comment without leaving the page.
'use strict';

window.MathJax = {
  loader: {load: ['ui/safe']},               // filters \href, \style and the like in students' TeX
  tex: {
    inlineMath: [['$', '$'], ['\\(', '\\)']],
    displayMath: [['$$', '$$'], ['\\[', '\\]']],
    processEscapes: true,
  },
  options: {
    ignoreHtmlClass: 'tex2jax_ignore',       // the page, but for
    processHtmlClass: 'tex2jax_process',     // the rendered answers, question and model answer
    enableMenu: false,
  },
  chtml: {fontURL: '/mathjax/output/chtml/fonts/woff-v2'},
};

(function () {
  function showPending() {
    const count = document.getElementById('pending-count');
    if (count) count.textContent = document.querySelectorAll('.answer.pending, .answer.changed').length;
  }

  async function save(form) {
    const out = form.querySelector('output.saved');
    out.className = 'saved saving';
    out.textContent = 'saving...';
    let reply = {};
    try {
      const response = await fetch(form.action, {
        method: 'POST',
        headers: {'Accept': 'application/json'},
        body: new URLSearchParams(new FormData(form)),
      });
      reply = await response.json().catch(() => ({message: `not saved (HTTP ${response.status})`}));
      if (!response.ok) throw new Error(reply.message || `not saved (HTTP ${response.status})`);
    } catch (err) {
      out.className = 'saved error';
      out.textContent = err.message || 'not saved';
      return false;
    }
    out.className = 'saved ok';
    out.textContent = reply.message;
    delete form.dataset.dirty;
    const card = form.closest('.answer');
    card.classList.remove('pending', 'changed');
    card.classList.add('graded');
    card.querySelector('.status').textContent = 'graded';
    showPending();
    return true;
  }

  document.addEventListener('DOMContentLoaded', () => {
    const forms = Array.from(document.querySelectorAll('form.grade-form'));
    for (const form of forms) {
      form.addEventListener('input', () => {
        form.dataset.dirty = '1';
        form.querySelector('output.saved').textContent = 'not saved yet';
        form.querySelector('output.saved').className = 'saved';
      });
      form.addEventListener('submit', (event) => {
        event.preventDefault();            // the browser checked the score's range first
        save(form);
      });
    }
    const all = document.getElementById('save-all');
    if (all) {
      all.addEventListener('click', async () => {
        for (const form of forms.filter((f) => f.dataset.dirty)) {
          if (!form.reportValidity()) return;
          if (!(await save(form))) return;
        }
      });
    }
    window.addEventListener('beforeunload', (event) => {
      if (forms.some((f) => f.dataset.dirty)) {
        event.preventDefault();
        event.returnValue = '';
      }
    });
  });
})();
