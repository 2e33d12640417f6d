/* adcli trace page: replays the steps (JSON beside this script) up to the current one.
   One function, defined once per page or notebook; each trace calls it with its own root
   element, so several traces never share state. Vanilla JavaScript, no network. */
"use strict";
window.adcliTracePage = window.adcliTracePage || function (root) {
  if (!root || root.dataset.ready) { return; }
  root.dataset.ready = "1";
  var data = JSON.parse(root.querySelector("script.adcli-data").textContent);
  var steps = data.steps;
  var last = steps.length;
  var current = 0;
  var targets = root.querySelectorAll("[data-k]");
  var finalText = {};
  targets.forEach(function (el) { finalText[el.dataset.k] = el.textContent; });
  var counter = root.querySelector(".counter");
  var what = root.querySelector(".what");
  var equation = root.querySelector(".equation");
  if (!counter) { return; }   /* over --max-nodes: the tables only, nothing to step */

  function stateAt(n) {
    var state = {};
    for (var i = 0; i < n; i++) {
      var set = steps[i].set;
      Object.keys(set).forEach(function (k) {
        if (set[k] === null) { delete state[k]; } else { state[k] = set[k]; }
      });
    }
    return state;
  }

  function mark(selector, on) {
    root.querySelectorAll(selector).forEach(function (el) {
      el.classList.toggle("adcli-hl", on);
    });
  }

  function show(n) {
    current = Math.max(0, Math.min(last, n));
    var state = stateAt(current);
    targets.forEach(function (el) {
      var v = state[el.dataset.k];
      if (v === undefined) {
        el.classList.add("adcli-pending");
      } else {
        el.classList.remove("adcli-pending");
        var text = v === true ? finalText[el.dataset.k] : v;
        if (el.tagName.toLowerCase() !== "tr" && el.textContent !== text) {
          el.textContent = text;
        }
      }
    });
    mark(".adcli-hl", false);
    var step = current > 0 ? steps[current - 1] : null;
    if (step) {
      if (step.n !== null) { mark('.node[data-node="' + step.n + '"]', true); }
      step.e.forEach(function (k) { mark('.edge[data-edge="' + k + '"]', true); });
      if (step.r) { mark('tr[data-k="' + step.r + '"]', true); }
    }
    counter.textContent = "step " + current + " / " + last;
    what.textContent = step ? step.t : "Before the primal sweep";
    equation.textContent = step ? step.eq : "Press \u2192 to step through the sweeps";
    if (data.standalone && window.history && window.history.replaceState) {
      var hash = "#step=" + (current === last ? "end" : current);
      if (window.location.hash !== hash) { window.history.replaceState(null, "", hash); }
    }
  }

  function fromHash() {
    var m = /step=(end|\d+)/.exec(window.location.hash);
    if (!m) { return 0; }
    return m[1] === "end" ? last : parseInt(m[1], 10);
  }

  var moves = {
    home: function () { show(0); },
    prev: function () { show(current - 1); },
    next: function () { show(current + 1); },
    end: function () { show(last); },
    theme: function () {
      var dark = root.classList.toggle("adcli-dark");
      root.querySelector(".theme").textContent = dark ? "\u25d0 light" : "\u25d0 dark";
    }
  };
  root.querySelectorAll("[data-go]").forEach(function (b) {
    b.addEventListener("click", function () { moves[b.dataset.go](); });
  });
  var keys = { ArrowRight: "next", ArrowLeft: "prev", Home: "home", End: "end" };
  (data.standalone ? document : root).addEventListener("keydown", function (ev) {
    var go = keys[ev.key];
    if (!go || ev.altKey || ev.ctrlKey || ev.metaKey) { return; }
    ev.preventDefault();
    moves[go]();
  });
  var before = 0;
  window.addEventListener("beforeprint", function () { before = current; show(last); });
  window.addEventListener("afterprint", function () { show(before); });
  if (data.standalone) {
    window.addEventListener("hashchange", function () { show(fromHash()); });
  }
  show(data.standalone ? fromHash() : 0);
};
