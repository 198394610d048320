/* The kiosk page's behaviour: idle reset with a "more time" question (WCAG 2.2.1),
   the attract loop, printing status, the browser heartbeat. No storage is used:
   nothing is kept in localStorage, sessionStorage or cookies by this script. */
(function () {
  "use strict";
  var body = document.body;
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var idleMs = Number(body.dataset.idleSeconds || 90) * 1000;
  var warnSeconds = Number(body.dataset.warningSeconds || 20);
  var dialog = document.getElementById("idle-dialog");
  var countEl = document.getElementById("idle-count");
  var resetForm = document.getElementById("reset-form");
  var idleTimer = null, countdownTimer = null, left = warnSeconds;
  var onStart = body.classList.contains("start");

  function resetNow(reason) {
    var field = resetForm.querySelector('input[name="reason"]');
    if (field) { field.value = reason; }
    resetForm.submit();
  }
  function closeDialog() {
    if (countdownTimer) { clearInterval(countdownTimer); countdownTimer = null; }
    if (dialog.open) { dialog.close(); }
  }
  function warn() {
    left = warnSeconds;
    countEl.textContent = String(left);
    dialog.showModal();
    countdownTimer = setInterval(function () {
      left -= 1;
      countEl.textContent = String(Math.max(left, 0));
      if (left <= 0) { closeDialog(); resetNow("timeout"); }
    }, 1000);
  }
  function activity() {
    if (dialog.open) { return; }
    clearTimeout(idleTimer);
    idleTimer = setTimeout(warn, idleMs);
  }
  document.getElementById("more-time").addEventListener("click", function () { closeDialog(); activity(); });
  document.getElementById("start-over").addEventListener("click", function () { closeDialog(); resetNow("exit"); });
  dialog.addEventListener("cancel", function (e) { e.preventDefault(); });
  ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (type) {
    window.addEventListener(type, activity, { passive: true, capture: true });
  });
  // A freshly reset start screen waits for its first touch; every other page counts down.
  if (!(onStart && body.dataset.fresh === "1")) { activity(); }

  // After a reset nothing the previous person saw may come back with Back.
  if (body.dataset.fresh === "1") {
    history.replaceState(null, "", "/");
    history.pushState(null, "", "/");
    window.addEventListener("popstate", function () { history.pushState(null, "", "/"); });
  }
  window.addEventListener("pageshow", function (e) { if (e.persisted) { location.reload(); } });

  // Attract loop: today's highlights take turns on the start screen. A touch
  // anywhere stops it (a visitor reading must not have the card change under the
  // finger) and its pause button stops and restarts it (WCAG 2.2.2).
  var items = document.querySelectorAll(".highlight");
  var dots = document.querySelectorAll(".dots li");
  var pause = document.querySelector(".pause");
  var loop = null, shown = 0;
  function step() {
    items[shown].classList.remove("shown");
    if (dots[shown]) { dots[shown].classList.remove("shown"); }
    shown = (shown + 1) % items.length;
    items[shown].classList.add("shown");
    if (dots[shown]) { dots[shown].classList.add("shown"); }
  }
  function runLoop(on) {
    if (loop) { clearInterval(loop); loop = null; }
    if (on) { loop = setInterval(step, Number(body.dataset.attractSeconds || 8) * 1000); }
    if (pause) { pause.setAttribute("aria-pressed", on ? "false" : "true"); }
  }
  if (items.length > 1) {
    runLoop(true);
    var touched = function (e) {
      if (!(pause && e.target instanceof Element && pause.contains(e.target))) { runLoop(false); }
    };
    window.addEventListener("pointerdown", touched, { passive: true, capture: true });
    window.addEventListener("keydown", touched, { capture: true });
    if (pause) {
      pause.addEventListener("click", function () { runLoop(pause.getAttribute("aria-pressed") === "true"); });
    }
  }

  // The clock in the top bar, in the visitor's language and the kiosk's time zone.
  // The idle start screen reloads now and then, so "on now" and the date stay true.
  var clockEl = document.querySelector(".clock-time");
  if (clockEl && window.Intl) {
    var clockFormat = new Intl.DateTimeFormat(document.documentElement.lang + "-FI", {
      hour: "numeric", minute: "2-digit", timeZone: body.dataset.timezone || undefined
    });
    // Looked up at each tick: the self-test redraws the top bar after a language change.
    setInterval(function () {
      var shown = document.querySelector(".clock-time");
      if (shown) { shown.textContent = clockFormat.format(new Date()); }
    }, 5000);
  }
  if (onStart && body.dataset.fresh === "1") {
    var touched = false;
    window.addEventListener("pointerdown", function () { touched = true; }, { passive: true, capture: true });
    setTimeout(function () { if (!touched) { location.replace("/?fresh=1"); } }, 5 * 60 * 1000);
  }

  // Printing: enqueue, then follow the job; the page never waits on the printer.
  var printButton = document.querySelector("button.print");
  var status = document.querySelector(".print-status");
  function post(url) {
    return fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
  }
  if (printButton && status) {
    printButton.addEventListener("click", function () {
      printButton.disabled = true;
      status.classList.remove("failed");
      status.textContent = printButton.dataset.printing;
      function failed() {
        status.textContent = printButton.dataset.failed;
        status.classList.add("failed");
        var qr = document.querySelector(".qr");
        if (qr) { qr.classList.add("emphasis"); qr.scrollIntoView({ block: "nearest" }); }
        printButton.disabled = false;
      }
      post(printButton.dataset.printUrl).then(function (r) { return r.ok ? r.json() : null; }).then(function (job) {
        if (!job) { failed(); return; }
        var tries = 0;
        (function poll() {
          fetch("/print/" + encodeURIComponent(job.job), { credentials: "same-origin" })
            .then(function (r) { return r.json(); })
            .then(function (s) {
              if (s.state === "done") { status.textContent = printButton.dataset.done; printButton.disabled = false; }
              else if (s.state === "failed") { failed(); }
              else if (++tries > 60) { failed(); }
              else { setTimeout(poll, 250); }
            }).catch(failed);
        })();
      }).catch(failed);
    });
  }

  // Devices: the staff button opens the PIN pad, the start-speech button has the
  // screen read aloud (speech.js); touches keep the screen awake.
  var lastTouch = 0;
  window.addEventListener("pointerdown", function () {
    if (Date.now() - lastTouch > 30000) { lastTouch = Date.now(); post("/touch").catch(function () {}); }
  }, { passive: true });
  // They arrive through signals.js (the navigation buttons go straight to keypad.js as keys).
  document.addEventListener("kiosk:signal", function (e) {
    if (e.detail === "open_staff_pad" && body.dataset.staffPad) { location.href = body.dataset.staffPad; }
    if (e.detail === "listen") { document.dispatchEvent(new Event("kiosk:listen")); }
  });

  // Heartbeat: a watcher restarts the browser when these stop.
  setInterval(function () { post(body.dataset.heartbeat).catch(function () {}); }, 15000);
})();
