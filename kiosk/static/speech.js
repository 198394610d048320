/* Speech: the Listen control reads the screen aloud in the page's language, and
   then (speech mode, until the visit ends) each new screen as it opens and each
   item the focus moves to. The words go to the kiosk's speech worker as JSON;
   the page never waits for them. The status line and printer messages are read
   too when they change. Nothing is stored in the browser. */
(function () {
  "use strict";
  var body = document.body;
  var sayUrl = body.dataset.speech;
  if (!sayUrl) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]').content;
  var lang = document.documentElement.lang || "fi";
  var listen = document.querySelector(".listen-button");
  var speaking = body.dataset.speechMode === "1";

  function send(url, payload) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
      body: JSON.stringify(payload)
    });
  }
  function say(text, secret) {
    text = (text || "").replace(/\s+/g, " ").trim();
    if (!text) { return; }
    if (!speaking) {
      speaking = true;
      body.dataset.speechMode = "1";
      if (listen) { listen.setAttribute("aria-pressed", "true"); }
    }
    send(sayUrl, { text: text.slice(0, 4000), lang: lang, private: !!secret }).catch(function () {});
  }
  // What an element is called when the focus reaches it: its label, else its words.
  function nameOf(el) {
    if (!el || el === document.body) { return ""; }
    var label = el.getAttribute("aria-label");
    if (label) { return label; }
    var by = el.getAttribute("aria-labelledby");
    if (by && document.getElementById(by)) { return document.getElementById(by).innerText; }
    if (el.id === "main") { return ""; }
    return el.innerText || el.textContent || "";
  }
  // Private parts of a screen (the self-test's score) are read only on a private
  // output (headphones alone, [speech] private); elsewhere they are left out.
  var PRIVATE = "[data-speech-private], .score-block";
  var privateOut = body.dataset.speechPrivate === "1";
  var hasPrivate = false;
  function mainText(main) {
    var text = main.innerText;
    hasPrivate = false;
    Array.prototype.forEach.call(main.querySelectorAll(PRIVATE), function (el) {
      var secret = el.innerText.trim();
      if (!secret) { return; }
      hasPrivate = true;
      if (!privateOut) { text = text.replace(secret, ""); }
    });
    return text;
  }
  // The screen in reading order: its main content, its main action, what the keys do.
  function screenText() {
    var parts = [];
    var main = document.getElementById("main");
    if (main) { parts.push(mainText(main)); }
    var action = document.querySelector("[data-main-action]");
    if (action) { parts.push(nameOf(action)); }
    var status = document.querySelector(".bar-status");
    if (status && status.textContent.trim()) { parts.push(status.textContent); }
    if (body.dataset.speechKeys) { parts.push(body.dataset.speechKeys); }
    return parts.join(". \n");
  }
  function readScreen() { var text = screenText(); say(text, hasPrivate && privateOut); }

  if (listen) {
    if (speaking) { listen.setAttribute("aria-pressed", "true"); }
    listen.addEventListener("click", readScreen);
  }
  // The start-speech button on the kiosk (GPIO) arrives through the page's signals.
  document.addEventListener("kiosk:listen", readScreen);
  // Volume for this visit, in steps within the kiosk's safe limit; the new volume is said at it.
  function volume(steps) {
    send(sayUrl.replace(/say$/, "volume"), { steps: steps })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) { if (v) { say((body.dataset.speechVolume || "") + " " + v.volume + " %"); } })
      .catch(function () {});
  }
  window.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) { return; }
    if (e.key === "*") { e.preventDefault(); readScreen(); }
    else if (e.key === "+") { e.preventDefault(); volume(1); }
    else if (e.key === "-") { e.preventDefault(); volume(-1); }
  });
  // A deferred script runs once the page is parsed: the screen is read before its
  // pictures and styles have all arrived.
  if (speaking) { readScreen(); }
  document.addEventListener("focusin", function (e) {
    var name = speaking ? nameOf(e.target) : "";
    if (name) { say(name); }
  });
  // Messages in the status line (printing, printer faults) are read as they appear.
  var status = document.querySelector(".bar-status");
  if (status && window.MutationObserver) {
    new MutationObserver(function () {
      if (speaking && status.textContent.trim()) { say(status.textContent); }
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }
})();
