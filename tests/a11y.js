// Accessibility checks run in the page by tests/a11y.py (installed as window.__a11y).
(() => {
  if (window.__a11y) return;
  const parse = (value) => {
    const match = /rgba?\(([^)]+)\)/.exec(value || "");
    if (!match) return null;
    const [r, g, b, a = 1] = match[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const over = (top, bottom) => ({
    r: top.r * top.a + bottom.r * (1 - top.a),
    g: top.g * top.a + bottom.g * (1 - top.a),
    b: top.b * top.a + bottom.b * (1 - top.a),
    a: 1,
  });
  const channel = (c) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const luminance = (c) => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
  const contrast = (x, y) => {
    const [light, dark] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (light + 0.05) / (dark + 0.05);
  };
  const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
  // The color behind an element: the background colors of it and its ancestors, over white.
  const background = (element) => {
    const layers = [];
    for (let node = element; node && node.nodeType === 1; node = node.parentElement) {
      const color = parse(getComputedStyle(node).backgroundColor);
      if (color && color.a > 0) {
        layers.push(color);
        if (color.a >= 1) break;
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), { r: 255, g: 255, b: 255, a: 1 });
  };
  const label = (el) => {
    const text = (el.textContent || el.getAttribute("aria-label") || el.getAttribute("href") || "").trim().replace(/\s+/g, " ");
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.name ? "[name=" + el.name + "]" : ""}` +
      (text ? ` "${text.slice(0, 40)}"` : "");
  };
  const isShown = (el) => {
    const rect = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    // checkVisibility: not inside display: none, nor inside a closed <details> (content-visibility).
    return el.checkVisibility({ visibilityProperty: true }) && rect.width > 0 && rect.height > 0 &&
      style.visibility !== "hidden" && !el.closest(".visually-hidden") &&
      rect.bottom + scrollY > 0 && rect.right + scrollX > 0;
  };
  const inlineParentBlock = (node) => {
    let element = node.nodeType === 1 ? node.parentElement : node.parentElement;
    while (element && getComputedStyle(element).display === "inline") element = element.parentElement;
    return element;
  };

  // Border of a form control: its weakest side against what surrounds it.
  const boundary = (el) => {
    const style = getComputedStyle(el);
    const behind = background(el.parentElement);
    const sides = ["Top", "Right", "Bottom", "Left"].map((side) => {
      const color = parse(style[`border${side}Color`]);
      const width = style[`border${side}Style`] === "none" ? 0 : parseFloat(style[`border${side}Width`]);
      return { width, color: hex(over(color, behind)), ratio: contrast(over(color, behind), behind) };
    });
    const weakest = sides.reduce((p, q) => (q.ratio < p.ratio || q.width < p.width ? q : p));
    return { control: label(el), ratio: weakest.ratio, width: Math.min(...sides.map((s) => s.width)),
      border: weakest.color, background: hex(behind) };
  };

  // The focused element: its outline (width, contrast with what is around it) and whether
  // something else covers it (a sticky header, an overlay): elementFromPoint at its visible middle.
  const focusIndicator = (el) => {
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const color = parse(style.outlineColor);
    const behind = background(el.parentElement);
    // A link that wraps has a box per line: look at the middle of the first one on screen.
    let covered = "off screen";
    for (const rect of el.getClientRects()) {
      const left = Math.max(rect.left, 0), right = Math.min(rect.right, innerWidth);
      const top = Math.max(rect.top, 0), bottom = Math.min(rect.bottom, innerHeight);
      if (right > left && bottom > top) {
        const hit = document.elementFromPoint((left + right) / 2, (top + bottom) / 2);
        covered = hit && (hit === el || el.contains(hit)) ? null : hit ? label(hit) : "nothing";
        break;
      }
    }
    return {
      element: label(el),
      outlineStyle: style.outlineStyle,
      outlineWidth: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
      ratio: color && color.a > 0 ? contrast(over(color, behind), behind) : 0,
      outline: color ? hex(over(color, behind)) : null,
      background: hex(behind),
      covered,
    };
  };

  // WCAG 2.5.8: every pointer target is 24 by 24 CSS px, or a 24 px circle around it touches no
  // other target (nor another small target's circle), or it is a link inside a line of text.
  const TARGETS = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  const inText = (el) => {
    if (getComputedStyle(el).display !== "inline") return false;
    const block = inlineParentBlock(el);
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (el.contains(node) || node.parentElement.closest(TARGETS)) continue;
      if (inlineParentBlock(node) === block && /[\p{L}\p{N}]/u.test(node.textContent)) return true;
    }
    return false;
  };
  const targetSizes = () => {
    const targets = [...document.querySelectorAll(TARGETS)].filter(isShown).map((el) => {
      const rect = el.getBoundingClientRect();
      return { el, rect, x: (rect.left + rect.right) / 2, y: (rect.top + rect.bottom) / 2,
        small: rect.width < 23.99 || rect.height < 23.99 };
    });
    const distanceToRect = (x, y, r) => Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
    const failures = [];
    for (const target of targets.filter((t) => t.small && !inText(t.el))) {
      const clash = targets.find((other) => other !== target && !other.el.contains(target.el) &&
        !target.el.contains(other.el) &&
        (distanceToRect(target.x, target.y, other.rect) < 12 ||
          (other.small && Math.hypot(other.x - target.x, other.y - target.y) < 24)));
      if (clash) {
        failures.push(`${label(target.el)} is ${target.rect.width.toFixed(1)}x${target.rect.height.toFixed(1)} px ` +
          `and too close to ${label(clash.el)}`);
      }
    }
    return { checked: targets.length, failures };
  };

  // Text that is cut off or drawn over other text: boxes that hide overflowing content, text
  // outside the viewport (unless inside a box that scrolls), and text boxes that overlap.
  const scrolls = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowX + style.overflowY) && node !== document.documentElement) return true;
    }
    return false;
  };
  // An overlay (a drop-down menu, the skip link) is drawn over the page on purpose: text in it is
  // compared with text in the same layer only.
  const layerOf = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (/(absolute|fixed)/.test(style.position) && (parse(style.backgroundColor) || { a: 0 }).a >= 1) return node;
    }
    return null;
  };
  const textBoxes = () => {
    const boxes = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim() || !isShown(node.parentElement)) continue;
      range.selectNodeContents(node);
      for (const rect of range.getClientRects()) {
        if (rect.width > 0 && rect.height > 0) boxes.push({ node, rect, layer: layerOf(node.parentElement) });
      }
    }
    return boxes;
  };
  const lostContent = () => {
    const problems = [];
    const root = document.documentElement;
    if (root.scrollWidth > root.clientWidth) problems.push(`the page scrolls sideways (${root.scrollWidth} > ${root.clientWidth} px)`);
    for (const el of document.body.querySelectorAll("*")) {
      const style = getComputedStyle(el);
      if (!/(hidden|clip)/.test(style.overflowX + style.overflowY) || !isShown(el)) continue;
      if (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1) {
        problems.push(`${label(el)} hides part of its content (${el.scrollWidth}x${el.scrollHeight} in ${el.clientWidth}x${el.clientHeight})`);
      }
    }
    const boxes = textBoxes();
    for (const { node, rect } of boxes) {
      if ((rect.right > innerWidth + 1 || rect.left < -1) && !scrolls(node.parentElement)) {
        problems.push(`text "${node.textContent.trim().slice(0, 40)}" is outside the viewport`);
      }
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i].rect, b = boxes[j].rect;
        const width = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const height = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (width > 1 && height > 1 && boxes[i].node !== boxes[j].node && boxes[i].layer === boxes[j].layer) {
          problems.push(`text "${boxes[i].node.textContent.trim().slice(0, 30)}" overlaps "${boxes[j].node.textContent.trim().slice(0, 30)}"`);
        }
      }
    }
    return problems;
  };

  // Anything that moves: transitions and animations longer than zero, and smooth scrolling.
  const motion = (elements) => {
    const moving = [];
    if (getComputedStyle(document.documentElement).scrollBehavior === "smooth") moving.push("html: smooth scrolling");
    for (const el of elements) {
      for (const pseudo of [null, "::before", "::after"]) {
        const style = getComputedStyle(el, pseudo);
        const transition = style.transitionDuration.split(",").some((d) => parseFloat(d) > 0) && style.transitionProperty !== "none";
        const animation = style.animationName !== "none" && style.animationDuration.split(",").some((d) => parseFloat(d) > 0);
        if (transition || animation) {
          moving.push(`${label(el)}${pseudo || ""}: ${transition ? "transition " + style.transitionDuration : ""} ${animation ? "animation " + style.animationName : ""}`);
        }
      }
    }
    return moving;
  };

  // Tabbing through a page with real presses of Tab (the browser's own focus order), many presses
  // to one round trip: each element is measured here while it has focus, as the next press of Tab
  // goes down (keydown comes before the browser moves focus), and the last one when the results
  // are read. The page scrolls to the focused element at once rather than smoothly: it ends in the
  // same place, so what is measured is what the smooth scroll would have ended on.
  // The walk stops, as a person would see it, when focus leaves the page or comes round again.
  const walk = { listening: false };
  const measures = {
    focus: focusIndicator,
    motion: () => motion(document.querySelectorAll(":focus")),
  };
  const examine = () => {
    if (walk.done || walk.examined >= walk.presses) return;
    walk.examined = walk.presses;
    const el = document.activeElement;
    if (!el || el === document.body) {
      walk.done = true;
      return;
    }
    const key = [...document.querySelectorAll("*")].indexOf(el);
    if (walk.seen.has(key)) {
      walk.done = true;
      return;
    }
    walk.seen.add(key);
    const found = { key, kind: el.tagName + (el.type || "") };
    for (const name of walk.measure) found[name] = measures[name](el);
    walk.found.push(found);
  };
  const startFocusWalk = (measure) => {
    if (measure.includes("focus")) document.documentElement.style.scrollBehavior = "auto";
    scrollTo(0, 0);
    if (document.activeElement) document.activeElement.blur();
    Object.assign(walk, { measure, presses: 0, examined: 0, seen: new Set(), found: [], done: false });
    if (!walk.listening) {
      addEventListener("keydown", (event) => {
        if (event.key !== "Tab") return;
        examine();
        walk.presses += 1;
      }, true);
      walk.listening = true;
    }
  };
  const focusWalk = () => {
    examine();
    return { done: walk.done, presses: walk.presses, found: walk.found };
  };

  window.__a11y = { boundary, targetSizes, lostContent, motion, startFocusWalk, focusWalk, TARGETS };
})();
