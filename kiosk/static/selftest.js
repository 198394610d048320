/* The self-test: one page, one statement at a time. The answers are kept in this
   script's memory only (no form, no storage, nothing in the address) and sent once,
   with fetch(), when the last statement is answered; the result comes back as a
   fragment shown in place, so there is no history entry and nothing to resubmit.
   Leaving the page replaces it in the history. A language or display change during
   the test is made with fetch() too, and the screen is redrawn around the answers. */
(function () {
  "use strict";
  if (!document.getElementById("selftest")) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  // Long enough to see the tapped choice before the next statement (data-pause-ms may
  // shorten it, for a machine driving many visits).
  var PAUSE_MS = 200;
  var answers = [];
  var current = 0, furthest = 0, busy = false;
  var phase = "test";  // "test", then "result" once the answers are sent
  var total = null;  // the raw sum the result shows, to show it again in another language
  var root, steps;

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", cache: "no-store",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      body: JSON.stringify(body)
    });
  }
  function text(r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); }
  function leave(url) { location.replace(url); }

  function setPhase() {
    var done = phase === "result";
    document.querySelectorAll(".test-only").forEach(function (el) { el.hidden = done; });
    document.querySelectorAll(".result-only").forEach(function (el) {
      el.hidden = !done;
      if (done) { el.setAttribute("data-main-action", ""); } else { el.removeAttribute("data-main-action"); }
    });
    // The idle reset counts a test left midway by the statement reached, and nothing after the result.
    var field = document.querySelector('#reset-form input[name="selftest_item"]');
    if (field) { field.value = done ? "" : String(Math.min(furthest + 1, steps.length)); }
  }

  function show(index, focus) {
    current = index;
    furthest = Math.max(furthest, index);
    steps.forEach(function (step, i) {
      step.hidden = i !== index;
      step.querySelectorAll(".option").forEach(function (option) {
        option.setAttribute("aria-checked", String(answers[i] === Number(option.dataset.points)));
      });
    });
    root.classList.toggle("past-first", index > 0);
    setPhase();
    // Focus goes to the statement itself, never to an option, so nothing looks chosen before a tap.
    if (focus) { steps[index].querySelector(".statement").focus({ preventScroll: true }); }
    document.getElementById("main").scrollTop = 0;
  }

  function showResult(html) {
    phase = "result";
    steps.forEach(function (step) { step.hidden = true; });
    root.querySelector(".sending").hidden = true;
    root.querySelector(".test-head").hidden = true;
    var place = root.querySelector(".result-place");
    place.innerHTML = html;
    var section = place.querySelector(".result");
    total = section && section.dataset.total !== "" ? Number(section.dataset.total) : null;
    setPhase();
    var heading = place.querySelector("h1");
    if (heading) { heading.focus({ preventScroll: true }); }
    document.getElementById("main").scrollTop = 0;
  }

  function finish() {
    root.querySelector(".sending").hidden = false;
    post(root.dataset.answersUrl, { answers: answers.slice(0, steps.length) }).then(text)
      .then(function (html) {
        answers = [];  // sent once; from now on the page keeps only what it shows
        busy = false;
        showResult(html);
      })
      .catch(function () { busy = false; root.querySelector(".sending").hidden = true; show(current, true); });
  }

  function choose(index, points) {
    if (busy || phase !== "test" || index !== current) { return; }
    busy = true;
    answers[index] = points;
    steps[index].querySelectorAll(".option").forEach(function (option) {
      option.setAttribute("aria-checked", String(Number(option.dataset.points) === points));
    });
    setTimeout(function () {
      if (index + 1 >= steps.length) { finish(); } else { busy = false; show(index + 1, true); }
    }, root.dataset.pauseMs ? Number(root.dataset.pauseMs) : PAUSE_MS);
  }

  function mount() {
    root = document.getElementById("selftest");
    root.hidden = false;
    steps = Array.prototype.slice.call(root.querySelectorAll(".step"));
  }

  // Redraw the frame (top bar, content, action bar) from the page fetched in the new
  // language or display mode; the answers and the place stay in this script.
  function redraw(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    if (!fresh.getElementById("selftest")) { leave("/"); return; }
    document.documentElement.lang = fresh.documentElement.lang;
    document.title = fresh.title;
    document.body.className = fresh.body.className;
    ["header.bar-top", "#main", "footer.bar-bottom"].forEach(function (sel) {
      var old = document.querySelector(sel), now = fresh.querySelector(sel);
      if (old && now) { old.replaceWith(document.importNode(now, true)); }
    });
    ["#idle-title", "#idle-text", "#more-time", "#start-over"].forEach(function (sel) {
      var old = document.querySelector(sel), now = fresh.querySelector(sel);
      if (old && now) { old.innerHTML = now.innerHTML; }
    });
    mount();
    if (phase === "result") {
      post(root.dataset.shownUrl, { total: total }).then(text).then(showResult)
        .catch(function () { leave("/"); });
    } else {
      show(current, false);
    }
  }
  function change(request) {
    if (busy) { return; }
    busy = true;
    request.then(text).then(function (html) { busy = false; redraw(html); })
      .catch(function () { leave("/"); });
  }

  document.addEventListener("click", function (e) {
    var el = e.target instanceof Element ? e.target : null;
    if (!el) { return; }
    var option = el.closest("#selftest .option");
    if (option) {
      choose(steps.indexOf(option.closest(".step")), Number(option.dataset.points));
      return;
    }
    if (el.closest(".back-step")) {
      if (busy) { return; }
      if (current === 0) { leave(root.dataset.consentUrl); } else { show(current - 1, true); }
      return;
    }
    if (el.closest(".stop")) {
      busy = true;
      var out = function () { leave("/"); };
      post(root.dataset.stopUrl, { reached: Math.min(furthest + 1, steps.length) }).then(out, out);
      return;
    }
    var link = el.closest("a[href]");
    if (!link) { return; }
    e.preventDefault();
    if (link.classList.contains("lang")) {
      // The language: changed with fetch, the answers kept.
      change(fetch(link.href, { credentials: "same-origin", cache: "no-store" }));
    } else {
      // Every other way out replaces this page in the history: Back never returns to it.
      leave(link.href);
    }
  });
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || form.action.indexOf("/toggle/") < 0) { return; }
    e.preventDefault();
    change(fetch(form.action, { method: "POST", credentials: "same-origin", cache: "no-store",
      body: new FormData(form) }));
  });

  mount();
  show(0, true);
})();
