// The layout checker: one function, evaluated in the page, that reports what a
// passer-by would see as broken. Every layout check in tests/browser/ calls it.
//
//   collapsed  text that wraps into lines averaging under 8 characters
//              (a title squeezed into a column of letters)
//   overlaps   two text boxes drawn over each other
//   clipped    text cut off by a box that does not scroll, or spilling out of its button
//   sideways   the page, or text outside a sideways scroller, wider than the screen
//   scrolls    any scrolling at all (asked for on the start screen)
//   action     the screen's main action ([data-main-action]) not wholly on screen
//              without scrolling, or not the element a tap at its centre reaches
//   covered    a control in view that a tap at its centre or near a corner does not
//              reach (something lies on it)
//   small      a control under 60 x 60 CSS px
// and figures: the smallest font size of any visible text, the root size, and the
// smallest size of the text inside `fitted` (a selector: text a screen may set smaller
// in large text, which then does not count in the first figure).
// Lines are measured from the text's line boxes (Range.getClientRects).
(options) => {
  const opts = Object.assign({ mainAction: false, noScroll: false, minChars: 8, target: 60, fitted: "" }, options || {});
  const vw = window.innerWidth, vh = window.innerHeight;
  const report = { collapsed: [], overlaps: [], clipped: [], sideways: [], scrolls: [], action: [],
    covered: [], small: [], minFontPx: Infinity, minFittedFontPx: Infinity, rootFontPx: parseFloat(getComputedStyle(document.documentElement).fontSize) };
  const SKIP = new Set(["SCRIPT", "STYLE", "TITLE", "NOSCRIPT", "TEMPLATE", "OPTION"]);
  const label = (el) => {
    const text = (el.textContent || "").replace(/\s+/g, " ").trim().slice(0, 40);
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "";
    return `${el.tagName.toLowerCase()}${cls} "${text}"`;
  };
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility !== "visible" || style.display === "none" || parseFloat(style.opacity) <= 0.05) { return false; }
    // A visually hidden label (1 px, clipped) names a control but is not on screen.
    const box = el.getBoundingClientRect();
    return !(style.position === "absolute" && (box.width < 2 || box.height < 2));
  };
  const tiny = (r) => r.width < 2 || r.height < 2;
  const scrollsX = (s) => s.overflowX === "auto" || s.overflowX === "scroll";
  const scrollsY = (s) => s.overflowY === "auto" || s.overflowY === "scroll";
  const clips = (s) => s.overflowX !== "visible" || s.overflowY !== "visible";
  const clamped = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const c = getComputedStyle(a).webkitLineClamp;
      if (c && c !== "none") { return true; }
    }
    return false;
  };

  // The parts of rects that a clipping ancestor does not hide (text scrolled out of
  // view lies under the bars in the layout, but nobody sees it there).
  const shownRects = (el, rects) => {
    let out = [...rects];
    for (let a = el; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (!clips(s)) { continue; }
      const box = a.getBoundingClientRect();
      out = out.map((r) => {
        const left = Math.max(r.left, box.left), right = Math.min(r.right, box.right);
        const top = Math.max(r.top, box.top), bottom = Math.min(r.bottom, box.bottom);
        return { left, right, top, bottom, width: right - left, height: bottom - top };
      }).filter((r) => r.width > 0 && r.height > 0);
    }
    return out;
  };

  // Every element with text of its own, and the line boxes of that text.
  const items = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const byElement = new Map();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) { continue; }
    const el = node.parentElement;
    if (!el || SKIP.has(el.tagName)) { continue; }
    if (!byElement.has(el)) { byElement.set(el, []); }
    byElement.get(el).push(node);
  }
  // With a dialog or a sheet open, that layer is what the visitor reads.
  const layer = document.querySelector("dialog[open], :popover-open");
  for (const [el, nodes] of byElement) {
    if (!visible(el) || (layer && !layer.contains(el))) { continue; }
    const range = document.createRange();
    const rects = [];
    let chars = "";
    for (const node of nodes) {
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) { if (!tiny(r)) { rects.push(r); } }
      chars += node.data;
    }
    if (!rects.length) { continue; }
    const text = chars.replace(/\s+/g, " ").trim();
    // Rects whose vertical middles fall in one band are one line.
    const lines = [];
    for (const r of [...rects].sort((a, b) => a.top - b.top)) {
      const mid = (r.top + r.bottom) / 2;
      const line = lines.find((l) => mid >= l.top && mid <= l.bottom);
      if (line) { line.top = Math.min(line.top, r.top); line.bottom = Math.max(line.bottom, r.bottom); }
      else { lines.push({ top: r.top, bottom: r.bottom }); }
    }
    const fontPx = parseFloat(getComputedStyle(el).fontSize);
    if (opts.fitted && el.closest(opts.fitted)) { report.minFittedFontPx = Math.min(report.minFittedFontPx, fontPx); }
    else { report.minFontPx = Math.min(report.minFontPx, fontPx); }
    items.push({ el, rects, shown: shownRects(el, rects), text, lines: lines.length });
    if (lines.length > 1 && text.length / lines.length < opts.minChars) {
      report.collapsed.push(`${label(el)}: ${lines.length} lines, ${(text.length / lines.length).toFixed(1)} characters a line`);
    }
  }

  // Text drawn over other text.
  for (let i = 0; i < items.length; i++) {
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i], b = items[j];
      let hit = null;
      for (const ra of a.shown) {
        for (const rb of b.shown) {
          const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
          const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
          if (w > 2 && h > 0.25 * Math.min(ra.height, rb.height)) { hit = [w, h]; break; }
        }
        if (hit) { break; }
      }
      if (hit) { report.overlaps.push(`${label(a.el)} and ${label(b.el)} overlap by ${Math.round(hit[0])}x${Math.round(hit[1])} px`); }
    }
  }

  // Text cut off by a box that does not scroll, or outside the screen sideways.
  for (const item of items) {
    if (clamped(item.el)) { continue; }
    let problem = null;
    for (const r of item.rects) {
      let sideScroller = false;
      for (let a = item.el.parentElement; a; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (scrollsX(s)) { sideScroller = true; }
        if (!clips(s)) { continue; }
        const box = a.getBoundingClientRect();
        const cutX = !scrollsX(s) && s.overflowX !== "visible" && (r.left < box.left - 1 || r.right > box.right + 1);
        const cutY = !scrollsY(s) && s.overflowY !== "visible" && (r.top < box.top - 1 || r.bottom > box.bottom + 1);
        if (cutX || cutY) { problem = `cut off by ${label(a).slice(0, 40)}`; break; }
        if (scrollsX(s) || scrollsY(s)) { break; }  // inside a scroller: it can be scrolled to
      }
      if (!problem && !sideScroller && (r.left < -1 || r.right > vw + 1)) { problem = "outside the screen sideways"; }
      const control = item.el.closest("a, button, label, [role=button]");
      if (!problem && control) {
        const box = control.getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) {
          problem = `spills out of ${label(control).slice(0, 40)}`;
        }
      }
      if (problem) { break; }
    }
    if (problem) {
      (problem.startsWith("outside") ? report.sideways : report.clipped).push(`${label(item.el)}: ${problem}`);
    }
  }
  const root = document.scrollingElement || document.documentElement;
  if (root.scrollWidth > vw + 1) { report.sideways.push(`the page is ${root.scrollWidth - vw} px wider than the screen`); }

  // Scrolling (the start screen must show everything at once).
  if (opts.noScroll) {
    if (root.scrollHeight > vh + 1) { report.scrolls.push(`the page is ${root.scrollHeight - vh} px taller than the screen`); }
    for (const el of document.querySelectorAll("body *")) {
      const s = getComputedStyle(el);
      if ((scrollsY(s) && el.scrollHeight > el.clientHeight + 1) && visible(el)) {
        report.scrolls.push(`${label(el).slice(0, 60)} scrolls by ${el.scrollHeight - el.clientHeight} px`);
      }
    }
  }

  // Controls: in reach of a tap, and big enough.
  const reaches = (el, x, y) => {
    const top = document.elementFromPoint(x, y);
    return top !== null && (top === el || el.contains(top));
  };
  const inView = (r) => r.left >= -1 && r.top >= -1 && r.right <= vw + 1 && r.bottom <= vh + 1;
  const shownIn = (el, r) => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (scrollsX(s) || scrollsY(s)) {
        const box = a.getBoundingClientRect();
        if (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1) { return false; }
      }
    }
    return true;
  };
  for (const el of document.querySelectorAll("a[href], button, [role=button], input:not([type=hidden]), label[for]")) {
    if (!visible(el) || el.closest("[hidden]")) { continue; }
    const r = el.getBoundingClientRect();
    if (tiny(r)) { continue; }
    if (el.matches("input[type=radio], input[type=checkbox]") && getComputedStyle(el).opacity === "0") { continue; }
    if (r.width < opts.target - 0.5 || r.height < opts.target - 0.5) {
      report.small.push(`${label(el)} ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    if (layer && !layer.contains(el)) { continue; }
    if (inView(r) && shownIn(el, r)) {
      // The centre and four points near the corners: a finger may land anywhere on it.
      const points = [[0.5, 0.5], [0.15, 0.15], [0.85, 0.15], [0.15, 0.85], [0.85, 0.85]]
        .map(([fx, fy]) => [r.left + fx * r.width, r.top + fy * r.height]);
      const missed = points.find(([x, y]) => !reaches(el, x, y));
      if (missed) {
        const top = document.elementFromPoint(missed[0], missed[1]);
        report.covered.push(`${label(el)} is under ${top ? label(top).slice(0, 50) : "nothing"}`);
      }
    }
  }

  // The main action: on screen, whole, reachable, without scrolling anything.
  if (opts.mainAction) {
    const actions = [...document.querySelectorAll("[data-main-action]")].filter(visible);
    if (!actions.length) { report.action.push("no main action on the screen"); }
    for (const el of actions) {
      const r = el.getBoundingClientRect();
      if (!inView(r)) { report.action.push(`${label(el)} is not wholly on screen (${Math.round(r.top)}..${Math.round(r.bottom)} of ${vh})`); }
      else if (!reaches(el, r.left + r.width / 2, r.top + r.height / 2)) { report.action.push(`${label(el)} cannot be tapped at its centre`); }
    }
  }
  if (report.minFontPx === Infinity) { report.minFontPx = 0; }
  if (report.minFittedFontPx === Infinity) { report.minFittedFontPx = 0; }
  return report;
}
