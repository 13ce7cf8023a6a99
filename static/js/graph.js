// Graph view with cytoscape.js: namespaces as compound nodes, address ranges as their own nodes.
// Big reviews start folded by namespace; clicking a namespace opens it. Labels are plain text.
const FOLD_NODES = 300;
const FOLD_EDGES = 1500;
const OUTSIDE = "outside";

let loading = null;

function loadCytoscape(url) {
  if (window.cytoscape) return Promise.resolve(window.cytoscape);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.onload = () => resolve(window.cytoscape);
      script.onerror = () => reject(new Error(`could not load ${url}`));
      document.head.append(script);
    });
  }
  return loading;
}

const groupKey = (g) => (g < 0 ? OUTSIDE : String(g));

function style(el) {
  const css = getComputedStyle(el);
  const v = (name) => css.getPropertyValue(name).trim();
  const fg = v("--fg");
  return [
    { selector: "node", style: { label: "data(label)", color: fg, "font-size": 10, "text-valign": "bottom", "text-margin-y": 3, "background-color": v("--accent"), width: 14, height: 14 } },
    { selector: "node.external", style: { shape: "diamond", "background-color": v("--muted") } },
    { selector: "node.ns", style: { "z-compound-depth": "bottom", "background-color": v("--bg"), "background-opacity": 0.6, "border-color": v("--line"), "border-width": 1, "text-valign": "top", "font-weight": "bold", shape: "round-rectangle" } },
    { selector: "node.folded", style: { "background-color": v("--panel"), "border-width": 2, "border-color": v("--accent"), width: "mapData(size, 1, 200, 24, 70)", height: "mapData(size, 1, 200, 24, 70)", "text-valign": "center", "font-size": 14 } },
    { selector: "edge", style: { width: 1.2, "curve-style": "bezier", "target-arrow-shape": "triangle", "arrow-scale": 0.7, "line-color": v("--all"), "target-arrow-color": v("--all"), opacity: 0.7 } },
    { selector: "edge.some", style: { "line-style": "dashed", "line-color": v("--some"), "target-arrow-color": v("--some") } },
    { selector: "edge.many", style: { width: "mapData(count, 1, 200, 1.5, 6)" } },
    { selector: "edge.faint", style: { opacity: 0.35 } },
    { selector: ".faded", style: { opacity: 0.12 } },
    { selector: "node.chosen, node.selected-by", style: { "border-width": 3, "border-color": v("--bad"), "background-color": v("--warn") } },
    { selector: "edge.out, edge.permitted", style: { width: 2.5, opacity: 1, "line-color": v("--accent"), "target-arrow-color": v("--accent") } },
    { selector: "edge.in", style: { width: 2.5, opacity: 1, "line-color": v("--bad"), "target-arrow-color": v("--bad") } },
  ];
}

export async function mountGraph(el, root, model, view, hooks) {
  const cytoscape = await loadCytoscape(root.dataset.cytoscape);
  const status = root.querySelector("[data-graph-status]");
  const shown = [...new Set([...view.rows, ...view.cols])];
  const inRows = new Set(view.rows);
  const inCols = new Set(view.cols);
  const visibleEdges = model.data.edges.filter((e) => e[0] !== e[1] && inRows.has(e[0]) && inCols.has(e[1]) && model.state(e[0], e[1]) > 0);
  const groups = new Map();
  for (const i of shown) {
    const key = groupKey(model.nodes[i][1]);
    if (!groups.has(key)) groups.set(key, { g: model.nodes[i][1], members: [] });
    groups.get(key).members.push(i);
  }
  const folded = new Set();
  if (shown.length > FOLD_NODES || visibleEdges.length > FOLD_EDGES) groups.forEach((_v, key) => folded.add(key));

  const cy = cytoscape({ container: el, style: style(el), minZoom: 0.05, maxZoom: 4 });
  const rep = (i) => {
    const key = groupKey(model.nodes[i][1]);
    return folded.has(key) ? `g:${key}` : `n:${i}`;
  };

  function elements() {
    const out = [];
    for (const [key, group] of groups) {
      const name = model.groupName(group.g);
      if (folded.has(key)) {
        out.push({ group: "nodes", data: { id: `g:${key}`, label: `${name} (${group.members.length})`, ns: key, size: group.members.length }, classes: "ns folded" });
        continue;
      }
      out.push({ group: "nodes", data: { id: `g:${key}`, label: name, ns: key }, classes: "ns" });
      for (const i of group.members) {
        const node = model.nodes[i];
        const label = node[1] < 0 ? node[2] : node[0].slice(node[0].indexOf("/") + 1);
        out.push({ group: "nodes", data: { id: `n:${i}`, parent: `g:${key}`, label, endpoint: node[0], index: i }, classes: node[1] < 0 ? "external" : "" });
      }
    }
    const merged = new Map();
    for (const e of visibleEdges) {
      const a = rep(e[0]);
      const b = rep(e[1]);
      if (a === b) continue;
      const id = `${a}>${b}`;
      const st = model.state(e[0], e[1]);
      const found = merged.get(id);
      if (found) {
        found.data.count += 1;
        if (st < 2) found.classes = "some many";
        found.policysets.push(e[4]);
      } else {
        const single = a.startsWith("n:") && b.startsWith("n:");
        merged.set(id, {
          group: "edges",
          data: { id, source: a, target: b, count: 1, state: st === 2 ? "all" : "some", src: single ? model.nodes[e[0]][0] : "", dst: single ? model.nodes[e[1]][0] : "", ports: model.portsText(e[0], e[1]) },
          classes: st === 2 ? "" : "some",
          policysets: [e[4]],
        });
      }
    }
    for (const edge of merged.values()) {
      if (edge.data.count > 1) edge.classes = `${edge.classes.replace(" many", "")} many`.trim();
      edge.data.state = edge.classes.includes("some") ? "some" : "all";
      edge.data.policysets = [...new Set(edge.policysets)];
      delete edge.policysets;
      out.push(edge);
    }
    return out;
  }

  // Namespaces as blocks packed in shelves, members on a circle inside their block (no three in
  // a line, so edges between them stay apart): predictable and instant for hundreds of endpoints,
  // where force layouts tangle compound nodes.
  function place() {
    const W = 150;
    const H = 60;
    const blocks = [];
    for (const [key, group] of groups) {
      const ids = folded.has(key) ? [`g:${key}`] : group.members.map((i) => `n:${i}`);
      const r = ids.length < 3 ? 0 : Math.max(80, (ids.length * 70) / (2 * Math.PI));
      const w = ids.length < 3 ? ids.length * W : 2 * r + W;
      blocks.push({ ids, r, w, h: ids.length < 3 ? H : 2 * r + H });
    }
    const area = blocks.reduce((sum, b) => sum + (b.w + W) * (b.h + H), 0);
    // Shelves as wide as the container's shape asks, so the fitted graph fills it.
    const aspect = Math.max(1, el.clientWidth / Math.max(1, el.clientHeight));
    const width = Math.max(W * 4, Math.sqrt(area * aspect) * 1.6);
    const positions = {};
    let x = 0;
    let y = 0;
    let shelf = 0;
    for (const b of blocks) {
      if (x > 0 && x + b.w > width) {
        x = 0;
        y += shelf + H * 1.5;
        shelf = 0;
      }
      b.ids.forEach((id, k) => {
        if (!b.r) positions[id] = { x: x + W / 2 + k * W, y: y + H / 2 };
        else {
          const a = -Math.PI / 2 + (2 * Math.PI * k) / b.ids.length;
          positions[id] = { x: x + b.w / 2 + b.r * Math.cos(a), y: y + b.h / 2 + b.r * Math.sin(a) };
        }
      });
      x += b.w + W * 0.6;
      shelf = Math.max(shelf, b.h);
    }
    return positions;
  }

  function render() {
    cy.elements().remove();
    const els = elements();
    cy.add(els);
    const edgeCount = cy.edges().length;
    // Many edges: straight, fainter lines, so the structure shows through.
    if (edgeCount > 3000) cy.style().selector("edge").style({ "curve-style": "haystack", "target-arrow-shape": "none" }).update();
    if (edgeCount > 400) cy.edges().addClass("faint");
    cy.layout({ name: "preset", positions: place(), fit: true, padding: 20 }).run();
    el.dataset.nodes = String(cy.nodes().not(".ns").length + cy.nodes(".folded").length);
    el.dataset.edges = String(edgeCount);
    el.dataset.folded = String(folded.size);
    el.dataset.ready = "true";
    status.textContent = `${shown.length} endpoints, ${visibleEdges.length} connections${folded.size ? `; ${folded.size} namespaces folded (click one to open it)` : ""}.`;
  }

  function clear() {
    cy.elements().removeClass("faded chosen out in selected-by permitted");
  }

  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (node.hasClass("folded")) {
      folded.delete(node.data("ns"));
      render();
      return;
    }
    if (node.hasClass("ns")) return;
    clear();
    const out = node.outgoers("edge");
    const inn = node.incomers("edge");
    cy.elements().addClass("faded");
    node.removeClass("faded").addClass("chosen");
    out.removeClass("faded").addClass("out");
    inn.removeClass("faded").addClass("in");
    out.targets().removeClass("faded");
    inn.sources().removeClass("faded");
    node.ancestors().removeClass("faded");
    out.targets().ancestors().removeClass("faded");
    inn.sources().ancestors().removeClass("faded");
    status.textContent = `${node.data("endpoint")} reaches ${out.length} and is reached by ${inn.length} (blue: what it reaches, red: what reaches it).`;
  });
  cy.on("tap", "edge", (event) => {
    const edge = event.target;
    if (edge.data("src")) {
      hooks.pick(edge.data("src"), edge.data("dst"));
      return;
    }
    for (const end of [edge.source(), edge.target()]) if (end.hasClass("folded")) folded.delete(end.data("ns"));
    render();
  });
  cy.on("tap", (event) => {
    if (event.target === cy) clear();
  });
  root.querySelector("[data-graph-reset]").addEventListener("click", clear);
  root.querySelector("[data-graph-fold]").addEventListener("click", () => {
    groups.forEach((_v, key) => folded.add(key));
    render();
  });

  render();
  return {
    cy,
    resize() {
      cy.resize();
    },
    // A blast radius: the origin and every endpoint reached from it (or reaching it).
    highlightNodes(origin, ids) {
      clear();
      const index = new Map(model.nodes.map((node, i) => [node[0], i]));
      cy.elements().addClass("faded");
      const mark = (id, cls) => {
        const i = index.get(id);
        if (i === undefined) return;
        const node = cy.getElementById(rep(i));
        node.removeClass("faded").addClass(cls);
        node.ancestors().removeClass("faded");
      };
      ids.forEach((id) => mark(id, "selected-by"));
      mark(origin, "chosen");
      status.textContent = `Blast radius of ${origin}: ${ids.length} endpoints shown highlighted.`;
      el.dataset.blast = origin;
    },
    // Endpoints the policy selects, and the edges whose grants name it.
    highlightPolicy(index) {
      clear();
      const [id, selects] = model.data.policies[index];
      const sets = new Set();
      model.data.policysets.forEach((set, k) => {
        if (set.includes(index)) sets.add(k);
      });
      cy.elements().addClass("faded");
      for (const i of selects) {
        const node = cy.getElementById(rep(i));
        node.removeClass("faded").addClass("selected-by");
        node.ancestors().removeClass("faded");
      }
      const permitted = cy.edges().filter((edge) => edge.data("policysets").some((k) => sets.has(k)));
      permitted.removeClass("faded").addClass("permitted");
      permitted.connectedNodes().removeClass("faded");
      permitted.connectedNodes().ancestors().removeClass("faded");
      status.textContent = `${id} selects ${selects.length} endpoints and permits ${permitted.length} of the edges shown.`;
      el.dataset.policy = id;
    },
  };
}
