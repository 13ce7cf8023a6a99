// A draft's difference from the saved revision, drawn on the views: matrix cells and graph edges
// marked added (+), removed (−) or with changed ports (~), and the explanation panel showing a
// pair's verdict before (the saved revision, as the panel explains it) and after (the draft).
// The views redraw themselves (folding, filters); the marks follow through their data-* hooks.

export const KINDS = ["added", "removed", "changed"];
export const SYMBOL = { added: "+", removed: "−", changed: "~" };
const WORD = { added: "added", removed: "removed", changed: "ports changed" };

// The draft's verdict of one pair, in words.
export function afterText(kind, entry) {
  if (kind === "added") return `Allowed on ${entry.ports_text}`;
  if (kind === "removed") return "Denied";
  return `Allowed on ${entry.after_text}`;
}

export function marks(root, model) {
  const matrix = root.querySelector("[data-matrix]");
  const panel = root.querySelector("[data-testid=explanation-panel]");
  const group = new Map(model.nodes.map((n) => [n[0], model.groupName(n[1])]));
  let pairs = new Map(); // "src\0dst" → [kind, entry]
  let cells = new Map(); // also "ns\0dst", "src\0ns", "ns\0ns" → Set of kinds (folded cells)
  let graph = null;

  const key = (a, b) => `${a}\u0000${b}`;

  function set(diff) {
    pairs = new Map();
    cells = new Map();
    for (const kind of KINDS) {
      for (const entry of diff?.connections[kind] ?? []) {
        pairs.set(key(entry.src, entry.dst), [kind, entry]);
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
    paintMatrix();
    paintGraph();
    paintPanel();
  }

  // The table's cells (a big review's canvas is not marked: the list beside it has the pairs).
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
      .update();
  }

  // Existing edges marked removed or changed; added pairs drawn as new edges between endpoints
  // shown one by one (a folded namespace stands for many: its edges are not marked).
  function paintGraph() {
    if (!graph) return;
    const cy = graph.cy;
    const index = new Map(model.nodes.map((n, i) => [n[0], i]));
    let marked = 0;
    cy.batch(() => {
      cy.edges(".draft-new").remove();
      cy.edges().removeClass("draft-added draft-removed draft-changed");
      cy.edges().forEach((edge) => {
        const found = edge.data("src") && pairs.get(key(edge.data("src"), edge.data("dst")));
        if (found && found[0] !== "added") {
          edge.addClass(`draft-${found[0]}`);
          marked++;
        }
      });
      for (const [kind, entry] of pairs.values()) {
        if (kind !== "added" || entry.src === entry.dst) continue;
        const a = cy.getElementById(`n:${index.get(entry.src)}`);
        const b = cy.getElementById(`n:${index.get(entry.dst)}`);
        if (a.empty() || b.empty()) continue;
        const data = { id: `draft:${entry.src}>${entry.dst}`, source: a.id(), target: b.id(), src: entry.src, dst: entry.dst, state: "all", ports: entry.ports_text, count: 1 };
        cy.add({ group: "edges", data, classes: "draft-new draft-added" });
        marked++;
      }
    });
    graph.cy.container().closest("[data-graph]").dataset.diffMarked = String(marked);
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
