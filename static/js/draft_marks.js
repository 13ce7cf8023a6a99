// A draft's difference from the saved revision, drawn on the views: matrix cells and graph edges
// marked added (+), removed (−) or with changed ports (~), and the explanation panel showing a
// pair's verdict before (the saved revision, as the panel explains it) and after (the draft).
// The views redraw themselves (folding, filters); the marks follow through their data-* hooks.

export const KINDS = ["added", "removed", "changed"];
export const SYMBOL = { added: "+", removed: "−", changed: "~" };
const WORD = { added: "added", removed: "removed", changed: "ports changed" };

// A port set's text after "allowed on": every port of every protocol in words.
export const onPorts = (text) => (text === "All Connections" ? "every port" : text);

// The draft's verdict of one pair, in words.
export function afterText(kind, entry) {
  if (kind === "added") return `Allowed on ${onPorts(entry.ports_text)}`;
  if (kind === "removed") return "Denied";
  return `Allowed on ${onPorts(entry.after_text)}`;
}

export function marks(root, model) {
  const matrix = root.querySelector("[data-matrix]");
  const panel = root.querySelector("[data-testid=explanation-panel]");
  const group = new Map(model.nodes.map((n) => [n[0], model.groupName(n[1])]));
  let pairs = new Map(); // "src\0dst" → [kind, entry]
  let cells = new Map(); // also "ns\0dst", "src\0ns", "ns\0ns" → Set of kinds (folded cells)
  let byNamespace = new Map(); // namespace → pairs from or to it, by kind
  let graph = null;

  const key = (a, b) => `${a}\u0000${b}`;

  function set(diff) {
    pairs = new Map();
    cells = new Map();
    byNamespace = new Map();
    for (const kind of KINDS) {
      for (const entry of diff?.connections[kind] ?? []) {
        pairs.set(key(entry.src, entry.dst), [kind, entry]);
        for (const ns of new Set([group.get(entry.src), group.get(entry.dst)])) {
          if (ns === undefined) continue;
          if (!byNamespace.has(ns)) byNamespace.set(ns, { added: 0, removed: 0, changed: 0 });
          byNamespace.get(ns)[kind]++;
        }
        const srcs = [entry.src, group.get(entry.src)];
        const dsts = [entry.dst, group.get(entry.dst)];
        for (const a of srcs) {
          for (const b of dsts) {
            if (a === undefined || b === undefined || (a === entry.src && b === entry.dst)) continue;
            if (!cells.has(key(a, b))) cells.set(key(a, b), new Set());
            cells.get(key(a, b)).add(kind);
          }
        }
      }
    }
    root.dataset.draftDiff = diff ? "true" : "false";
    paintLegends(diff);
    paintMatrix();
    matrix._resize?.(); // a canvas repaints the cells in view, with their marks
    paintGraph();
    paintPanel();
  }

  // "In the draft: + 3 added · − 5 removed · ~ 1 ports changed" under the matrix and the graph.
  function paintLegends(diff) {
    for (const legend of root.querySelectorAll("[data-draft-legend]")) {
      legend.hidden = !diff;
      for (const kind of KINDS) {
        const n = diff?.connections[kind].length ?? 0;
        const out = legend.querySelector(`[data-draft-legend-count=${kind}]`);
        out.textContent = `${SYMBOL[kind]} ${n} ${n === 1 ? "pair" : "pairs"} ${WORD[kind]}`;
        out.dataset.count = String(n);
      }
    }
  }

  // The kind of a cell: a pair's own, or for a folded cell (a namespace on either side) the one
  // kind of its pairs, "changed" when they differ.
  function cellKind(a, b, single) {
    if (single) return pairs.get(key(a, b))?.[0] ?? null;
    const kinds = cells.get(key(a, b));
    if (!kinds) return null;
    return kinds.size === 1 ? [...kinds][0] : "changed";
  }

  // The canvas matrix (big reviews) calls this after drawing the cells in view: each marked
  // cell framed in its kind's colour with the table's symbol in its corner.
  matrix._marks = (ctx, size, visible) => {
    const css = getComputedStyle(root);
    const colour = { added: css.getPropertyValue("--diff-add").trim(), removed: css.getPropertyValue("--diff-remove").trim(), changed: css.getPropertyValue("--diff-change").trim() };
    const bg = css.getPropertyValue("--bg").trim();
    const drawn = [];
    if (pairs.size) {
      const badge = Math.round(size * 0.6);
      ctx.save();
      ctx.lineWidth = 2;
      ctx.font = `bold ${badge + 1}px sans-serif`;
      ctx.textAlign = "center";
      ctx.textBaseline = "middle";
      for (const [x, y, a, b, single] of visible) {
        const kind = cellKind(a, b, single);
        if (!kind) continue;
        // A frame, and the symbol in a corner badge of the same colour (as the table's ::after).
        ctx.strokeStyle = colour[kind];
        ctx.strokeRect(x + 1, y + 1, size - 2, size - 2);
        ctx.fillStyle = colour[kind];
        ctx.fillRect(x + size - badge, y, badge, badge);
        ctx.fillStyle = bg;
        ctx.fillText(SYMBOL[kind], x + size - badge / 2, y + badge / 2 + 0.5);
        drawn.push({ src: a, dst: b, single, kind });
      }
      ctx.restore();
    }
    // What was drawn last, for scripts and tests (the canvas has no elements to look at).
    matrix._drawnMarks = drawn;
    matrix.dataset.diffDrawn = String(drawn.length);
  };

  // The table's cells (a big review's canvas calls matrix._marks as it paints).
  function paintMatrix() {
    let marked = 0;
    for (const td of matrix.querySelectorAll("td[role=gridcell]")) {
      let kind = null;
      if (td.dataset.src) kind = pairs.get(key(td.dataset.src, td.dataset.dst))?.[0] ?? null;
      else if (td.dataset.srcGroup) {
        const kinds = cells.get(key(td.dataset.srcGroup, td.dataset.dstGroup));
        if (kinds) kind = kinds.size === 1 ? [...kinds][0] : "changed";
      }
      if (kind) {
        if (td.dataset.diff !== kind) {
          td.dataset.diff = kind;
          td.dataset.savedTitle ??= td.title;
          td.title = `${td.dataset.savedTitle} — in the draft: ${WORD[kind]}`;
          td.setAttribute("aria-label", td.title);
        }
        marked++;
      } else if (td.dataset.diff) {
        delete td.dataset.diff;
        td.title = td.dataset.savedTitle;
        td.setAttribute("aria-label", td.title);
      }
    }
    matrix.dataset.diffMarked = String(marked);
  }
  new MutationObserver(paintMatrix).observe(matrix, { attributes: true, attributeFilter: ["data-draws"] });

  function styleGraph(cy) {
    const css = getComputedStyle(root);
    const v = (name) => css.getPropertyValue(name).trim();
    const label = { "font-size": 12, "font-weight": "bold", "text-background-color": v("--panel"), "text-background-opacity": 0.9, "text-background-padding": 1, color: v("--fg") };
    cy.style()
      .selector("edge.draft-added").style({ ...label, label: "+", width: 3, opacity: 1, "line-style": "solid", "line-color": v("--diff-add"), "target-arrow-color": v("--diff-add"), "z-index": 5 })
      .selector("edge.draft-removed").style({ ...label, label: "−", width: 3, opacity: 1, "line-style": "dotted", "line-color": v("--diff-remove"), "target-arrow-color": v("--diff-remove"), "z-index": 5 })
      .selector("edge.draft-changed").style({ ...label, label: "~", width: 3, opacity: 1, "line-color": v("--diff-change"), "target-arrow-color": v("--diff-change"), "z-index": 5 })
      .selector("node.folded.draft-ns").style({ label: "data(draftLabel)", "text-wrap": "wrap", width: "data(draftW)", "border-width": 3 })
      .selector("node.folded.draft-added").style({ "border-color": v("--diff-add") })
      .selector("node.folded.draft-removed").style({ "border-color": v("--diff-remove") })
      .selector("node.folded.draft-changed").style({ "border-color": v("--diff-change") })
      .update();
  }

  // Existing edges marked removed or changed; added pairs drawn as new edges. A folded namespace
  // stands for many endpoints: its edges carry the kind of their pairs ("changed" when mixed),
  // and the namespace itself its counts (+added −removed ~changed) under its name, framed in the
  // colour of its one kind.
  function paintGraph() {
    if (!graph) return;
    const cy = graph.cy;
    const index = new Map(model.nodes.map((n, i) => [n[0], i]));
    const folds = new Map(cy.nodes(".folded").map((n) => [n.data("name"), n]));
    const rep = (id) => {
      const n = cy.getElementById(`n:${index.get(id)}`);
      return n.nonempty() ? n : folds.get(group.get(id)) ?? null;
    };
    const endName = (node) => (node.hasClass("folded") ? node.data("name") : node.data("endpoint"));
    let marked = 0;
    const namespaces = {};
    cy.batch(() => {
      cy.edges(".draft-new").remove();
      cy.elements(".draft-added, .draft-removed, .draft-changed, .draft-ns").removeClass("draft-added draft-removed draft-changed draft-ns");
      cy.edges().not(".bundle").forEach((edge) => {
        let kind = null;
        if (edge.data("src")) {
          const found = pairs.get(key(edge.data("src"), edge.data("dst")));
          if (found && found[0] !== "added") kind = found[0];
        } else kind = cellKind(endName(edge.source()), endName(edge.target()), false);
        if (kind) {
          edge.addClass(`draft-${kind}`);
          marked++;
        }
      });
      for (const [kind, entry] of pairs.values()) {
        if (kind !== "added" || entry.src === entry.dst) continue;
        const a = rep(entry.src);
        const b = rep(entry.dst);
        if (!a || !b || a === b || a.edgesTo(b).nonempty()) continue;
        const single = !a.hasClass("folded") && !b.hasClass("folded");
        const data = { id: `draft:${a.id()}>${b.id()}`, source: a.id(), target: b.id(), src: single ? entry.src : "", dst: single ? entry.dst : "", state: "all", ports: single ? entry.ports_text : "", count: 1 };
        cy.add({ group: "edges", data, classes: "draft-new draft-added" });
        marked++;
      }
      for (const [name, node] of folds) {
        const counts = byNamespace.get(name);
        if (!counts) continue;
        const kinds = KINDS.filter((k) => counts[k]);
        const line = kinds.map((k) => `${SYMBOL[k]}${counts[k]}`).join(" ");
        const kind = kinds.length === 1 ? kinds[0] : "changed";
        node.data({ draftLabel: `${node.data("label")}\n${line}`, draftW: Math.max(node.data("w"), line.length * 8 + 18), draftKind: kind });
        node.addClass(`draft-ns draft-${kind}`);
        namespaces[name] = { ...counts, kind, label: line };
      }
    });
    const el = cy.container().closest("[data-graph]") ?? cy.container();
    el.dataset.diffMarked = String(marked);
    el.dataset.diffNamespaces = String(Object.keys(namespaces).length);
    // For scripts and tests: the marks on folded namespaces, by name.
    el._draftNamespaces = namespaces;
  }

  function watchGraph() {
    const g = window.netviz?.graph;
    if (!g || g === graph) return;
    graph = g;
    styleGraph(g.cy);
    // The graph redraws everything when a namespace folds or opens.
    const el = g.cy.container().closest("[data-graph]") ?? g.cy.container();
    new MutationObserver(() => paintGraph()).observe(el, { attributes: true, attributeFilter: ["data-nodes", "data-folded", "data-edges"] });
    paintGraph();
  }
  root.addEventListener("netviz:graph", watchGraph);
  watchGraph();

  // Before and after at the top of the explanation of a pair, while a draft is evaluated.
  function paintPanel() {
    const section = panel.querySelector("[data-testid=explanation]");
    panel.querySelector("[data-testid=draft-verdict]")?.remove();
    if (!section || root.dataset.draftDiff !== "true") return;
    const found = pairs.get(key(section.dataset.src, section.dataset.dst));
    const box = document.createElement("div");
    box.className = "draft-verdict";
    box.dataset.testid = "draft-verdict";
    box.dataset.kind = found ? found[0] : "same";
    const before = section.querySelector("[data-testid=verdict]")?.textContent.replace(/\s+/g, " ").replace(/^[●◐✕]\s*/, "").trim() ?? "";
    const rows = [
      ["Saved revision", before, "before"],
      ["Draft", found ? afterText(found[0], found[1]) : `${before} (unchanged)`, "after"],
    ];
    const dl = document.createElement("dl");
    for (const [term, text, which] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = term;
      const dd = document.createElement("dd");
      dd.textContent = text;
      dd.dataset.testid = `draft-${which}`;
      dl.append(dt, dd);
    }
    const head = document.createElement("p");
    head.className = "draft-verdict-head";
    head.textContent = found ? `${SYMBOL[found[0]]} The draft ${found[0] === "changed" ? "changes this pair's ports" : found[0] === "added" ? "allows this pair" : "denies this pair"}` : "The draft leaves this pair as it is";
    box.append(head, dl);
    if (found?.[0] === "changed") {
      const p = document.createElement("p");
      p.className = "hint";
      p.textContent = [found[1].gained_text && found[1].gained.length ? `gains ${found[1].gained_text}` : "", found[1].lost.length ? `loses ${found[1].lost_text}` : ""].filter(Boolean).join("; ");
      box.append(p);
    }
    p_note(box);
    section.prepend(box);
  }
  const p_note = (box) => {
    const p = document.createElement("p");
    p.className = "hint";
    p.textContent = "The explanation below is of the saved revision.";
    box.append(p);
  };
  new MutationObserver(() => {
    if (!panel.querySelector("[data-testid=draft-verdict]")) paintPanel();
  }).observe(panel.querySelector("[data-panel-body]"), { childList: true });

  return { set, pair: (src, dst) => pairs.get(key(src, dst)) ?? null };
}
