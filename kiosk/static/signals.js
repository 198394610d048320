/* The kiosk's signals for this page (kiosk/devices): the staff button, the
   start-speech button, the navigation buttons. The kiosk sends them as they come
   (Server-Sent Events); where the stream is refused, the page asks every 2 s instead.
   A navigation button becomes the key press of a numeric keypad, sent to the control
   in focus, so that keypad.js and speech.js handle it exactly as that key. Any other
   signal becomes a "kiosk:signal" event on the document, its name in detail. */
(function () {
  "use strict";
  var url = document.body.dataset.signals;
  if (!url) { return; }
  // Button -> [key, code] of a numeric keypad with Num Lock on (docs/accessibility.md).
  var KEYS = {
    key_up: ["8", "Numpad8"], key_down: ["2", "Numpad2"], key_select: ["5", "Numpad5"],
    key_back: ["0", "Numpad0"], key_home: ["7", "Numpad7"],
    key_volume_up: ["+", "NumpadAdd"], key_volume_down: ["-", "NumpadSubtract"]
  };
  function deliver(name) {
    var key = KEYS[name];
    if (key) {
      var target = document.activeElement || document.body;
      target.dispatchEvent(new KeyboardEvent("keydown",
        { key: key[0], code: key[1], bubbles: true, cancelable: true, composed: true }));
    } else {
      document.dispatchEvent(new CustomEvent("kiosk:signal", { detail: name }));
    }
  }
  function poll() {
    setInterval(function () {
      fetch(url.replace(/\/stream$/, ""), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) { s.signals.forEach(deliver); })
        .catch(function () {});
    }, 2000);
  }
  if (!window.EventSource) { poll(); return; }
  var source;
  var leaving = false;
  function listen() {
    source = new EventSource(url);
    source.addEventListener("message", function (e) { deliver(e.data); });
    // Another page listens now: on the kiosk, the next page shown, and this one stops.
    // Should this page still be on screen after a while, the other listener was not
    // the kiosk's browser (a second tab, a probe): this page takes the stream back.
    source.addEventListener("superseded", function () {
      source.close();
      setTimeout(function () {
        if (!leaving && document.visibilityState === "visible") { listen(); }
      }, 5000);
    });
    source.addEventListener("error", function () {
      // After a stream that ended, or a kiosk restarting, the browser comes back by
      // itself; a stream refused for good (not an event stream) leaves asking.
      if (source.readyState === EventSource.CLOSED) { poll(); }
    });
  }
  listen();
  window.addEventListener("pagehide", function () { leaving = true; source.close(); });
})();
