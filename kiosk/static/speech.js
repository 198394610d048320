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
  var VOICED = ["fi", "sv", "en"];
  var speaking = body.dataset.speechMode === "1";
  var readAt = -1e9, userAt = -1e9;
  ["keydown", "pointerdown"].forEach(function (type) {
    window.addEventListener(type, function () { userAt = performance.now(); }, { capture: true, passive: true });
  });

  // The page's language (a self-test page may change it in place), or the language
  // of the element's own text where the kiosk has a voice for it.
  function pageLang() { return document.documentElement.lang || "fi"; }
  function langOf(el) {
    var marked = el && el.closest ? el.closest("[lang]") : null;
    var code = marked ? marked.getAttribute("lang").split("-")[0] : "";
    return VOICED.indexOf(code) >= 0 ? code : pageLang();
  }
  function pressed() {
    var listen = document.querySelector(".listen-button");
    if (listen) { listen.setAttribute("aria-pressed", "true"); }
  }

  // One request at a time, in the order they were made: the worker says the newest
  // and drops the one before, so two requests racing on two connections (a screen's
  // reading, then the item a quick key press focused) must not reach it swapped.
  var sent = Promise.resolve();
  function send(url, payload) {
    var request = sent.then(function () {
      return fetch(url, {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
        body: JSON.stringify(payload)
      });
    });
    sent = request.catch(function () {});
    return request;
  }
  // One line of the screen after another (a heading and its text, the options of a
  // statement): a line that ends without a stop gets one, so that the voice pauses
  // between them instead of running them into one sentence.
  function clean(text) {
    return (text || "").replace(/([^\s.!?:;,…])[^\S\n]*\n\s*(?=\S)/g, "$1. ")
      .replace(/\s+/g, " ").trim();
  }
  function modeOn() {
    if (!speaking) {
      speaking = true;
      body.dataset.speechMode = "1";
      pressed();
    }
  }
  function say(text, secret, lang) {
    text = clean(text);
    if (!text) { return; }
    modeOn();
    send(sayUrl, { text: text.slice(0, 4000), lang: lang || pageLang(), private: !!secret })
      .catch(function () {});
  }
  // A reading in parts, each in its own voice; the parts that hold no word are left
  // out, and what goes past the worker's limit (4000 characters in all).
  function sayParts(parts, secret) {
    var left = 4000;
    parts = parts.map(function (p) {
      var text = clean(p.text).slice(0, Math.max(left, 0));
      left -= text.length;
      return { text: text, lang: p.lang };
    }).filter(function (p) { return /[\p{L}\p{N}]/u.test(p.text); });
    if (!parts.length) { return; }
    modeOn();
    send(sayUrl, { parts: parts, private: !!secret }).catch(function () {});
  }
  // What an element is called when the focus reaches it: its label, else its words.
  function nameOf(el) {
    if (!el || el === document.body) { return ""; }
    var label = el.getAttribute("aria-label");
    if (label) { return label; }
    var by = el.getAttribute("aria-labelledby");
    if (by && document.getElementById(by)) { return document.getElementById(by).innerText; }
    if (el.id === "main") { return ""; }
    var text = el.innerText || el.textContent || "";
    // A question whose answers are a radio group (a self-test statement): the
    // statement, then every option as written.
    if (el.id) {
      var group = document.querySelector('[role="radiogroup"][aria-labelledby="' + el.id + '"]');
      if (group) {
        text += ". " + Array.prototype.map.call(group.querySelectorAll('[role="radio"]'),
          function (option) { return option.innerText; }).join(". ");
      }
    }
    return text;
  }
  // Private parts of a screen (the self-test's score) are read only on a private
  // output (headphones alone, [speech] private); elsewhere they are left out. What is
  // hidden from assistive technology (the "3 / 10" beside "Statement 3 of 10", the
  // ends of the score's scale) is left out always. Found in the content's words, in
  // document order, so that the same words elsewhere on the screen stay.
  var PRIVATE = "[data-speech-private], .score-block";
  // Whether the element is on screen: the innerText of one that is not (a statement
  // not reached yet) is all its text, which must not be taken out of what is read.
  function shown(el) { return el.getClientRects().length > 0; }
  var HIDDEN = '[aria-hidden="true"]';
  var privateOut = body.dataset.speechPrivate === "1";
  var hasPrivate = false;
  function mainText(main, withPrivate) {
    var text = main.innerText, kept = "", at = 0, dropped = [];
    hasPrivate = false;
    Array.prototype.forEach.call(main.querySelectorAll(PRIVATE + ", " + HIDDEN), function (el) {
      if (!shown(el) || dropped.some(function (d) { return d.contains(el); })) { return; }
      var words = (el.innerText || "").trim();  // an SVG has no innerText
      if (!words) { return; }
      if (!el.matches(HIDDEN) && withPrivate) { hasPrivate = true; return; }
      var found = text.indexOf(words, at);
      if (found < 0) { return; }
      kept += text.slice(at, found);
      at = found + words.length;
      dropped.push(el);
    });
    return kept + text.slice(at);
  }
  // The main content cut where its language changes: the parts of it marked with
  // another language the kiosk has a voice for (a form in Finnish on a Swedish page)
  // are read in their own voice. Found in the content's words, as the private parts are.
  // ``base`` is the language of the text around the parts (the page's, or that of the
  // item the focus reached).
  function byLanguage(main, text, base) {
    var page = base || pageLang(), parts = [], at = 0;
    Array.prototype.forEach.call(main.querySelectorAll("[lang]"), function (el) {
      var lang = langOf(el);
      var around = el.parentElement ? el.parentElement.closest("[lang]") : null;
      var inside = around && main.contains(around) ? langOf(around) : page;
      // No change of language, within a part already cut out, or not on screen.
      if (lang === inside || inside !== page || !shown(el)) { return; }
      var words = (el.innerText || "").trim();  // an SVG has no innerText
      var found = words ? text.indexOf(words, at) : -1;
      if (found < 0) { return; }  // not shown, or left out (private)
      parts.push({ text: text.slice(at, found), lang: page }, { text: words, lang: lang });
      at = found + words.length;
    });
    parts.push({ text: text.slice(at), lang: page });
    return parts;
  }
  // The screen in reading order: its main content, its main action, what the keys do;
  // one part after another, the neighbours in the same language joined.
  function screenParts(withPrivate) {
    var parts = [], page = pageLang();
    var main = document.getElementById("main");
    if (main) { parts = byLanguage(main, mainText(main, withPrivate)); }
    var action = document.querySelector("[data-main-action]");
    if (action) { parts.push({ text: nameOf(action), lang: langOf(action) }); }
    var status = document.querySelector(".bar-status");
    if (status && status.textContent.trim()) { parts.push({ text: status.textContent, lang: page }); }
    if (body.dataset.speechKeys) { parts.push({ text: body.dataset.speechKeys, lang: page }); }
    var joined = [];
    parts.forEach(function (part) {
      if (!/[\p{L}\p{N}]/u.test(part.text)) { return; }
      var last = joined[joined.length - 1];
      var text = part.text.trim();
      if (last && last.lang === part.lang) {
        last.text += (/[.!?:;,…]$/.test(last.text) ? " " : ". ") + text;
      } else { joined.push({ text: text, lang: part.lang }); }
    });
    return joined;
  }
  // A private part is read only when the visitor asks (Listen, *, the button), never
  // when a screen reads itself on arrival.
  function readScreen(wanted) {
    readAt = performance.now();
    var parts = screenParts(wanted === true && privateOut);
    sayParts(parts, hasPrivate);
  }
  function asked() { readScreen(true); }

  if (speaking) { pressed(); }
  // Delegated: a self-test page redraws its top bar in place.
  document.addEventListener("click", function (e) {
    if (e.target instanceof Element && e.target.closest(".listen-button")) { asked(); }
  });
  // The start-speech button on the kiosk (GPIO) arrives through the page's signals.
  document.addEventListener("kiosk:listen", asked);
  // Volume for this visit, in steps within the kiosk's safe limit; the new volume is said at it.
  function volume(steps) {
    send(sayUrl.replace(/say$/, "volume"), { steps: steps })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) { if (v) { say((body.dataset.speechVolume || "") + " " + v.volume + " %"); } })
      .catch(function () {});
  }
  window.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.altKey || e.metaKey) { return; }
    if (e.key === "*") { e.preventDefault(); asked(); }
    else if (e.key === "+") { e.preventDefault(); volume(1); }
    else if (e.key === "-") { e.preventDefault(); volume(-1); }
  });
  // Once the page is parsed and its scripts have run (a self-test page shows its
  // first statement from its script): before its pictures have all arrived.
  var arrived = false;
  document.addEventListener("DOMContentLoaded", function () {
    arrived = true;
    if (speaking) { readScreen(); }
  });
  document.addEventListener("focusin", function (e) {
    if (!speaking) { return; }
    var el = e.target, main = document.getElementById("main");
    // The screen's own reading already holds what its script focuses on arrival
    // (no key or touch since the reading began).
    if (main && main.contains(el) && (!arrived || (readAt > userAt && performance.now() - readAt < 1000))) {
      return;
    }
    // A heading focused in place (a self-test result shown on the same page) is a new screen.
    if (el.tagName === "H1" && main && main.contains(el)) { readScreen(false); return; }
    var name = nameOf(el);
    if (!name) { return; }
    // A label is in the page's language; an item named by its words is read as they
    // are marked (a card's Finnish-only title on a Swedish page in the Finnish voice).
    if (el.hasAttribute("aria-label") || el.hasAttribute("aria-labelledby")) {
      say(name, false, langOf(el));
    } else {
      sayParts(byLanguage(el, name, langOf(el)), false);
    }
  });
  // Messages in the status line (printing, printer faults) are read as they appear.
  var status = document.querySelector(".bar-status");
  if (status && window.MutationObserver) {
    new MutationObserver(function () {
      if (speaking && status.textContent.trim()) { say(status.textContent); }
    }).observe(status, { childList: true, characterData: true, subtree: true });
  }
})();
