/* Staff mode: the start screen's long-press corner, the PIN pad, the staff visit's
   idle end, the test print's status and the usage charts. Nothing is stored in the
   browser; the staff visit lives in the signed session cookie only. */
(function () {
  "use strict";
  var body = document.body;

  // The corner: held for data-long-press seconds it opens the pad; a tap does nothing.
  var corner = document.querySelector(".staff-corner");
  if (corner) {
    var holdTimer = null;
    var holdMs = Number(corner.dataset.longPress || 3) * 1000;
    var cancel = function () { clearTimeout(holdTimer); holdTimer = null; };
    corner.addEventListener("pointerdown", function () {
      cancel();
      holdTimer = setTimeout(function () { location.href = corner.getAttribute("href"); }, holdMs);
    });
    ["pointerup", "pointercancel", "pointerleave"].forEach(function (type) {
      corner.addEventListener(type, cancel);
    });
    corner.addEventListener("click", function (e) { e.preventDefault(); });
    corner.addEventListener("contextmenu", function (e) { e.preventDefault(); });
  }
  if (!body.classList.contains("staff")) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  function post(url) {
    return fetch(url, { method: "POST", headers: { "X-CSRFToken": csrf }, credentials: "same-origin" });
  }

  // The PIN pad: big digit buttons fill the PIN field.
  var pin = document.getElementById("pin");
  if (pin) {
    document.querySelectorAll(".pin-pad .digit").forEach(function (b) {
      b.addEventListener("click", function () {
        if (pin.value.length < 8) { pin.value += b.dataset.digit; }
      });
    });
    var clear = document.querySelector(".pin-pad .clear");
    if (clear) { clear.addEventListener("click", function () { pin.value = ""; }); }
  }
  var locked = document.querySelector("[data-reload-after]");
  if (locked) {
    setTimeout(function () { location.href = location.pathname; },
      Number(locked.dataset.reloadAfter) * 1000 + 500);
    // The staff button lifts the lock: show the open pad as soon as it is pressed
    // (signals.js brings the press).
    document.addEventListener("kiosk:signal", function (e) {
      if (e.detail === "open_staff_pad") { location.href = location.pathname; }
    });
  }

  // A staff visit ends after data-staff-idle-seconds without a touch.
  var idleTimer = null;
  function leave() {
    var done = document.getElementById("staff-done");
    if (done) { done.submit(); } else { location.href = body.dataset.leave || "/"; }
  }
  function touched() {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(leave, Number(body.dataset.staffIdleSeconds || 120) * 1000);
  }
  ["pointerdown", "keydown", "touchstart", "scroll"].forEach(function (type) {
    window.addEventListener(type, touched, { passive: true, capture: true });
  });
  touched();

  // The kiosk's heartbeat goes on while staff work.
  if (body.dataset.heartbeat) {
    setInterval(function () { post(body.dataset.heartbeat).catch(function () {}); }, 15000);
  }

  // The test print: follow the queued job; the request itself never waited.
  var job = document.querySelector("[data-job-url]");
  if (job) {
    var tries = 0;
    (function poll() {
      fetch(job.dataset.jobUrl, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          if (s.state === "done") { job.textContent = job.dataset.done; }
          else if (s.state === "failed" || ++tries > 120) { job.textContent = job.dataset.failed; job.classList.add("warn"); }
          else { setTimeout(poll, 500); }
        }).catch(function () { job.textContent = job.dataset.failed; });
    })();
  }

  // Usage charts (Chart.js, served from the kiosk).
  var visits = document.getElementById("visits-chart");
  var actions = document.getElementById("actions-chart");
  if (visits && actions && window.Chart) {
    var names = JSON.parse(visits.dataset.labels);
    var style = getComputedStyle(body);
    var fg = style.getPropertyValue("--fg").trim() || "#1d1d1b";
    window.Chart.defaults.color = fg;
    window.Chart.defaults.font.size = 14;
    window.Chart.defaults.animation = false;
    fetch(visits.dataset.source, { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        var days = data.days.map(function (d) { return d.slice(5); });
        var options = { responsive: true, maintainAspectRatio: false,
          scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } };
        new window.Chart(visits, { type: "bar", options: options, data: { labels: days, datasets: [
          { label: names.sessions_started, data: data.series.sessions_started, backgroundColor: "#005f73" }] } });
        var colours = { activity_views: "#0a9396", activity_prints: "#ee9b00", tests_completed: "#9b2226" };
        new window.Chart(actions, { type: "line", options: options, data: { labels: days,
          datasets: Object.keys(colours).map(function (key) {
            return { label: names[key], data: data.series[key], borderColor: colours[key],
              backgroundColor: colours[key], tension: 0 };
          }) } });
      }).catch(function () {});
  }
})();
