/* Operation without touch: a small keypad (or a keyboard's arrows) works every
   public screen. Up/Left and Down/Right move the focus through the screen's
   controls in reading order (top bar, content, action bar), Enter chooses,
   Escape or Backspace goes Back, Home goes to the start screen, Page Up/Down
   scroll the content. A numeric keypad does the same with 8/4 and 2/6, 5 and
   Enter, 0 (Back) and 7 (Home); * (Listen) and +/- (volume) are in speech.js.
   While the "more time" question or a sheet is open, the focus stays in it. */
(function () {
  "use strict";
  var FOCUSABLE = "a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), " +
    "select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";
  var main = document.getElementById("main");

  function scope() {
    return document.querySelector("dialog[open]") || document.querySelector(":popover-open") || document.body;
  }
  function visible(el) {
    if (el === main) { return false; }  // the content itself scrolls with Page Up/Down
    if (el.closest("[hidden], [inert]")) { return false; }
    var r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden";
  }
  function controls() {
    return Array.prototype.filter.call(scope().querySelectorAll(FOCUSABLE), visible);
  }
  function move(step) {
    var list = controls();
    if (!list.length) { return; }
    var at = list.indexOf(document.activeElement);
    var next;
    if (at < 0) {
      // Nothing chosen yet: start in the screen's content, where its choices are, or
      // at its main action when the content has none.
      var first = list.findIndex(function (el) { return main && main.contains(el); });
      if (first < 0) { first = list.findIndex(function (el) { return el.matches("[data-main-action]"); }); }
      next = step > 0 ? Math.max(first, 0) : list.length - 1;
    } else {
      next = (at + step + list.length) % list.length;
    }
    list[next].focus();
    list[next].scrollIntoView({ block: "nearest" });
  }
  function press(selector) {
    var el = Array.prototype.find.call(document.querySelectorAll(selector), visible);
    if (el) { el.click(); return true; }
    return false;
  }
  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName));
  }
  var NUMPAD = { Numpad8: "prev", Numpad4: "prev", Numpad2: "next", Numpad6: "next",
    Numpad5: "select", Numpad0: "back", Numpad7: "home" };
  var KEYS = { ArrowUp: "prev", ArrowLeft: "prev", ArrowDown: "next", ArrowRight: "next",
    Escape: "back", Backspace: "back", Home: "home", PageDown: "pagedown", PageUp: "pageup" };

  window.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey || e.defaultPrevented) { return; }
    var what = NUMPAD[e.code] || KEYS[e.key];
    if (!what || typing(e.target)) { return; }
    var layer = scope() !== document.body;
    if (what === "prev" || what === "next") { move(what === "next" ? 1 : -1); }
    else if (what === "select") {
      if (document.activeElement && document.activeElement !== document.body) { document.activeElement.click(); }
    }
    else if (what === "back") {
      if (layer) { return; }  // Escape closes the sheet by itself; the dialog ignores it
      if (!press(".bar-actions .back, .bar-actions .back-step")) { return; }
    }
    else if (what === "home") { if (layer || !press(".bar-actions .home")) { return; } }
    else if (main) { main.scrollBy({ top: (what === "pagedown" ? 0.8 : -0.8) * main.clientHeight }); }
    e.preventDefault();
  });
})();
