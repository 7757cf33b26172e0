// The course site's widgets, answering without a kernel: each live widget carries its baked
// states (autograder/publishing/site/bake.py) in a JSON script; moving a control looks the new state up and
// puts its picture and text in place. Quizzes and flashcards run from their baked cards.
(function () {
  "use strict";

  function part(root, id) { return root.querySelector('[data-w="' + id + '"]'); }

  function figure(root, data) {
    var S = data.strings, base = root.dataset.base;
    var at = data.start.split(",").map(Number);

    function show() {
      var key = at.join(","), state = data.states[key];
      root.dataset.state = key;
      if (!state) { root.classList.add("bk-missing"); return; }
      root.classList.remove("bk-missing");
      data.outputs.forEach(function (out, j) {
        var el = part(root, out.id), value = S[state[j]];
        if (!el) { return; }
        if (out.kind === "image") { el.src = value ? base + value : ""; }
        else if (out.kind === "html") { el.innerHTML = value; }
        else if (out.kind === "label") { el.textContent = value; }
        else if (out.kind === "text") { el.querySelector("input, textarea").value = value; }
        else if (out.kind === "options") { relabel(el, JSON.parse(value)); }
      });
      // the pictures' text alternative: what the widget says its figure shows now (a hidden part
      // of it, baked with each state, as in the notebook), else which widget at which setting
      var own = root.querySelector(".rnnlab-figure-alt"), said = own && own.textContent.trim();
      root.querySelectorAll("img.rnnlab-figure").forEach(function (img) { img.alt = said || described(); });
    }

    // a picture's text alternative: which widget drew it, at which setting of each control
    function described() {
      var named = Array.prototype.filter.call(root.querySelectorAll("[class*='rnnlab-']"), function (e) {
        return /(^| )rnnlab-(?!control-|figure|readout)/.test(e.className);
      })[0];
      var what = named ? named.className.match(/rnnlab-(?!control-|figure|readout)([\w-]+)/)[1].split("-").join(" ") : "widget";
      var settings = data.controls.map(function (control, k) {
        var el = part(root, control.id), desc = el && el.querySelector(".bk-desc");
        var name = desc && desc.textContent.trim() ? desc.textContent.trim().replace(/:$/, "") :
                   (el ? (el.className.match(/rnnlab-control-([\w-]+)/) || [, "setting"])[1].split("-").join(" ") : "setting");
        return name + " " + control.labels[Math.min(at[k], control.labels.length - 1)];
      });
      return "Figure of the " + what + (settings.length ? ", at " + settings.join(", ") : "");
    }

    function relabel(el, labels) {          // a menu or toggle whose options change with the others
      var items = el.querySelector("select") ? el.querySelectorAll("option") : el.querySelectorAll(".bk-toggles button");
      items.forEach(function (item, k) { if (k < labels.length) { item.textContent = labels[k]; } });
    }

    data.controls.forEach(function (control, k) {
      var el = part(root, control.id), labels = control.labels;
      if (!el) { return; }
      el.classList.add("bk-control");
      if (labels.length < 2) {              // one value offered on the page: shown, not moved
        el.querySelectorAll("input, select, button").forEach(function (e) { e.disabled = true; });
        el.title = "this page shows one setting of this control; every setting works in the notebook";
        return;
      }
      if (control.kind === "slider") {
        var input = el.querySelector("input"), output = el.querySelector("output");
        var all = Math.round((Number(input.max) - Number(input.min)) / Number(input.step)) + 1;
        var ticks = document.createElement("datalist");   // a tick at each position offered
        ticks.id = "bk-ticks-" + control.id;
        labels.forEach(function (_, n) { var o = document.createElement("option"); o.value = n; ticks.appendChild(o); });
        el.appendChild(ticks);
        input.setAttribute("list", ticks.id);
        input.min = 0; input.max = labels.length - 1; input.step = 1; input.value = at[k];
        // its value is now a position (0, 1, 2...): a screen reader says the label shown instead
        var say = function () { output.textContent = labels[at[k]]; input.setAttribute("aria-valuetext", labels[at[k]]); };
        say();
        if (labels.length < all) {
          input.title = labels.length + " of its " + all + " positions on this page (" + labels.join(", ") +
                        "); every one in the notebook";
        }
        input.addEventListener("input", function () { at[k] = Number(input.value); say(); show(); });
      } else if (control.kind === "checkbox") {
        var box = el.querySelector("input");
        box.addEventListener("change", function () { at[k] = box.checked ? 1 : 0; show(); });
      } else if (control.kind === "toggle") {
        el.querySelectorAll(".bk-toggles button").forEach(function (b, n) {
          if (n >= labels.length) { b.disabled = true; return; }
          b.addEventListener("click", function () {
            at[k] = n; show();
            el.querySelectorAll(".bk-toggles button").forEach(function (o, m) { o.classList.toggle("bk-on", m === n); });
          });
        });
      } else if (control.kind === "radio") {
        el.querySelectorAll("input[type=radio]").forEach(function (r, n) {
          r.addEventListener("change", function () { at[k] = n; show(); });
        });
      } else {
        var select = el.querySelector("select"), text = el.querySelector("input, textarea");
        if (!select) {                      // a free-text box: the page offers the lecture's examples
          select = document.createElement("select");
          labels.forEach(function (label, n) { var o = document.createElement("option"); o.value = n; o.textContent = label; select.appendChild(o); });
          // the examples are code: typed in the code's font, the menu as wide as the longest (up to 48 characters)
          select.className = "bk-examples";
          select.style.minWidth = Math.min(48, 3 + Math.max.apply(null, labels.map(function (l) { return l.length; }))) + "ch";
          text.parentNode.insertBefore(select, text);
          select.addEventListener("change", function () { text.value = labels[select.selectedIndex].split("\u23ce").join("\n"); });
        }
        if (select.options.length > labels.length) {
          Array.prototype.forEach.call(select.options, function (o, n) { if (n >= labels.length) { o.disabled = true; } });
          select.title = "the first " + labels.length + " on this page; every one in the notebook";
        }
        select.selectedIndex = at[k];
        select.addEventListener("change", function () { at[k] = select.selectedIndex; show(); });
      }
    });
    show();
  }

  function quiz(root, data) {
    var S = data.strings, right = data.questions.map(function () { return false; });
    function score() { part(root, data.score_id).innerHTML = S[data.scores[right.filter(Boolean).length]]; }
    data.questions.forEach(function (q, n) {
      var choice = part(root, q.choice), feedback = part(root, q.feedback_id);
      part(root, q.check).addEventListener("click", function () {
        var picked = choice.querySelector("input:checked");
        if (!picked) { feedback.innerHTML = S[q.pick_first]; return; }
        var answer = q.answers[Number(picked.value)];
        feedback.innerHTML = S[answer[0]]; right[n] = answer[1]; score();
      });
      part(root, q.reveal).addEventListener("click", function () { feedback.innerHTML = S[q.shown]; });
    });
    score();
  }

  function deck(root, data) {
    var S = data.strings, ids = data.ids, at = 0;
    function card(revealed) {
      var c = data.cards[at];
      part(root, ids.counter).textContent = S[c[0]];
      part(root, ids.where).textContent = S[c[1]];
      part(root, ids.front).innerHTML = S[c[2]];
      part(root, ids.back).innerHTML = S[revealed ? c[4] : c[3]];
    }
    function go(step) { at = (at + step + data.cards.length) % data.cards.length; card(false); }
    part(root, ids.prev).addEventListener("click", function () { go(-1); });
    part(root, ids.next).addEventListener("click", function () { go(1); });
    part(root, ids.reveal).addEventListener("click", function () { card(true); });
    part(root, ids.where).style.display = "none";      // the review's boxes live in the notebook
    [ids.knew, ids.missed].forEach(function (id) {
      var b = part(root, id);
      b.disabled = true;
      b.title = "In the notebook, your answer sets when the card comes back (the start page's review).";
    });
    if (data.cards.length) { card(false); }
  }

  function start() {
    document.querySelectorAll(".bk-live").forEach(function (root) {
      var data = JSON.parse(root.querySelector(".bk-data").textContent);
      ({ figure: figure, quiz: quiz, deck: deck })[data.kind](root, data);
      root.classList.add("bk-ready");
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
