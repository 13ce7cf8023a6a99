"""What a visual check asks a page in Chromium: overlapping text, sideways scrolling, graph fit.

Each is a JavaScript function for `page.evaluate`, returning a list of problems (empty when fine),
so a failing test prints what overlaps what.
"""

# Text boxes (one per line of each text node, from a Range) of every visible element holding
# text, plus the boxes of form controls and canvases, each clipped by the scroll or overflow
# boxes around it. Two boxes overlap when their intersection is more than TOLERANCE px either
# way and neither element contains the other.
OVERLAPS = """
() => {
  const TOLERANCE = 1.5;
  // The graph's box stands for the canvases cytoscape stacks inside it.
  const LEAVES = "input, select, textarea, button, img, svg, canvas:not([data-graph] canvas), [data-graph]";
  const visible = (el) => {
    const css = getComputedStyle(el);
    return css.visibility !== "hidden" && css.display !== "none" && Number(css.opacity) > 0.05;
  };
  const clipOf = (el) => {
    let box = { x1: -1e9, y1: -1e9, x2: 1e9, y2: 1e9 };
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const css = getComputedStyle(a);
      if (css.overflowX !== "visible" || css.overflowY !== "visible") {
        const r = a.getBoundingClientRect();
        box = { x1: Math.max(box.x1, r.left), y1: Math.max(box.y1, r.top),
                x2: Math.min(box.x2, r.right), y2: Math.min(box.y2, r.bottom) };
      }
    }
    return box;
  };
  // checkVisibility: also false inside a closed <details> (content-visibility: hidden).
  const shown = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true, opacityProperty: true })) return false;
    for (let a = el; a; a = a.parentElement) if (!visible(a) || a.hidden) return false;
    return true;
  };
  const name = (el) => {
    const id = el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : "";
    const cls = el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "";
    const text = (el.innerText || el.value || "").trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${id}${cls} "${text}"`;
  };
  const boxes = [];
  const add = (el, r, clip) => {
    const b = { x1: Math.max(r.left, clip.x1), y1: Math.max(r.top, clip.y1),
                x2: Math.min(r.right, clip.x2), y2: Math.min(r.bottom, clip.y2) };
    if (b.x2 - b.x1 > 0.5 && b.y2 - b.y1 > 0.5) boxes.push({ el, ...b });
  };
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let t = walker.nextNode(); t; t = walker.nextNode()) {
    if (!t.textContent.trim()) continue;
    const el = t.parentElement;
    if (el.closest("script, style, noscript, datalist, option, template") || !shown(el)) continue;
    const clip = clipOf(el);
    range.selectNodeContents(t);
    for (const r of range.getClientRects()) add(el, r, clip);
  }
  for (const el of document.body.querySelectorAll(LEAVES)) {
    if (!shown(el) || el.closest("svg") !== el && el.closest("svg")) continue;
    add(el, el.getBoundingClientRect(), clipOf(el));
  }
  boxes.sort((a, b) => a.x1 - b.x1);
  const found = [];
  for (let i = 0; i < boxes.length; i++) {
    const a = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j].x1 < a.x2 - TOLERANCE; j++) {
      const b = boxes[j];
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
      const h = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
      if (w > TOLERANCE && h > TOLERANCE) {
        found.push(`${name(a.el)} overlaps ${name(b.el)} by ${w.toFixed(0)}×${h.toFixed(0)} px`);
        if (found.length > 20) return found;
      }
    }
  }
  return found;
}
"""

# The document wider than its window: something scrolls sideways.
SIDEWAYS = """
() => {
  const d = document.documentElement;
  if (d.scrollWidth <= d.clientWidth) return [];
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > d.clientWidth + 1)
    .slice(0, 5)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className} right=${el.getBoundingClientRect().right.toFixed(0)}`);
  return [`document ${d.scrollWidth} px wide in a ${d.clientWidth} px window: ${wide.join("; ")}`];
}
"""

# Every node of the graph inside its container (rendered coordinates, 1 px of slack).
GRAPH_FITS = """
() => {
  const cy = window.netviz.graph.cy;
  const w = cy.width();
  const h = cy.height();
  return cy.nodes().filter((n) => n.visible()).map((n) => {
    const b = n.renderedBoundingBox();
    const inside = b.x1 >= -1 && b.y1 >= -1 && b.x2 <= w + 1 && b.y2 <= h + 1;
    return inside ? null : `${n.id()} (${n.data("label")}) at ${[b.x1, b.y1, b.x2, b.y2].map(Math.round)} outside ${Math.round(w)}×${Math.round(h)}`;
  }).filter(Boolean);
}
"""
