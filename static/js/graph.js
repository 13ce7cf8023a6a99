// Graph view with cytoscape.js: namespaces as compound nodes, address ranges as their own nodes.
// Big reviews start folded by namespace; clicking a namespace opens it. Labels are plain text.
// Nodes can be coloured by exposure level, and a blast radius lights reached nodes by hop.
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

// netviz.findings LEVELS, least exposed first; a letter each so the level does not rest on colour.
const LEVELS = ["none", "namespace", "cluster", "any-namespace", "external"];
const LETTER = { none: "–", namespace: "N", cluster: "C", "any-namespace": "A", external: "E" };
const EXPOSURE_CLASSES = ["exp", ...LEVELS.map((l) => `exp-${l}`)].join(" ");
const HOP_CLASSES = "hop hop-1 hop-2 hop-3";

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
    { selector: "node.exp", style: { label: "data(xlabel)", "border-color": fg, "border-opacity": 1 } },
    { selector: "node.exp-none", style: { "background-color": v("--exp-none"), "border-width": 0 } },
    { selector: "node.exp-namespace", style: { "background-color": v("--exp-namespace"), "border-width": 1, "border-style": "solid" } },
    { selector: "node.exp-cluster", style: { "background-color": v("--exp-cluster"), "border-width": 2, "border-style": "dotted" } },
    { selector: "node.exp-any-namespace", style: { "background-color": v("--exp-any"), "border-width": 3, "border-style": "dashed" } },
    { selector: "node.exp-external", style: { "background-color": v("--exp-external"), "border-width": 5, "border-style": "double" } },
    { selector: "node.chosen, node.selected-by", style: { "border-width": 3, "border-color": v("--bad"), "background-color": v("--warn") } },
    { selector: "node.hop", style: { label: "data(hlabel)", "font-weight": "bold", "border-color": fg } },
    { selector: "node.hop-1", style: { "background-color": v("--hop1"), "border-width": 4, "border-style": "solid" } },
    { selector: "node.hop-2", style: { "background-color": v("--hop2"), "border-width": 3, "border-style": "dashed" } },
    { selector: "node.hop-3", style: { "background-color": v("--hop3"), "border-width": 2, "border-style": "dotted" } },
    { selector: "edge.out, edge.permitted", style: { width: 2.5, opacity: 1, "line-color": v("--accent"), "target-arrow-color": v("--accent") } },
    { selector: "edge.in", style: { width: 2.5, opacity: 1, "line-color": v("--bad"), "target-arrow-color": v("--bad") } },
  ];
}

// options: color ("none" | "exposure") to start with, exposureUrl (the findings JSON twin).
export async function mountGraph(el, root, model, view, hooks, options = {}) {
  const cytoscape = await loadCytoscape(root.dataset.cytoscape);
  const status = root.querySelector("[data-graph-status]");
  const colorSelect = root.querySelector("[data-graph-color]");
  const exposureLegend = root.querySelector("[data-exposure-legend]");
  const hopLegend = root.querySelector("[data-hop-legend]");
  let colour = "none";
  let levels = null; // level index per node index, once fetched
  let blast = null; // { origin: node index, hops: Map node index → hop }
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
    status.textContent = `${shown.length} endpoints, ${visibleEdges.length} connections${folded.size ? `; ${folded.size} namespaces folded (click one to open it)` : ""}.`;
    paint();
    el.dataset.ready = "true";
  }

  // Endpoint nodes and folded namespaces, each with the node indexes it stands for.
  function paintable(callback) {
    cy.nodes().forEach((node) => {
      if (node.hasClass("folded")) callback(node, groups.get(node.data("ns")).members);
      else if (!node.hasClass("ns")) callback(node, [node.data("index")]);
    });
  }

  // Exposure colours and the blast radius by hop; survives render() (folding and opening).
  function paint() {
    cy.batch(() => {
      cy.nodes().removeClass(`${EXPOSURE_CLASSES} ${HOP_CLASSES}`).removeData("exposure hop");
      if (blast) cy.nodes().removeClass("chosen selected-by");
      if (colour === "exposure" && levels) {
        // A folded namespace takes its most exposed member's level.
        paintable((node, members) => {
          const best = Math.max(...members.map((i) => levels[i] ?? -1));
          if (best < 0) return;
          const level = LEVELS[best];
          node.data({ exposure: level, xlabel: `${LETTER[level]} ${node.data("label")}` });
          node.addClass(`exp exp-${level}`);
        });
      }
      if (blast) {
        cy.elements().addClass("faded");
        const lit = new Set();
        paintable((node, members) => {
          const hop = Math.min(...members.map((i) => (i === blast.origin ? 0 : (blast.hops.get(i) ?? Infinity))));
          if (hop === Infinity) return;
          lit.add(node.id());
          node.removeClass("faded").ancestors().removeClass("faded");
          if (hop === 0) node.addClass("chosen");
          // selected-by as for a policy's endpoints; the hop classes come later and win.
          else node.data({ hop, hlabel: `${hop}› ${node.data("label")}` }).addClass(`selected-by hop hop-${Math.min(hop, 3)}`);
        });
        cy.edges().filter((e) => lit.has(e.source().id()) && lit.has(e.target().id())).removeClass("faded");
      }
    });
    el.dataset.color = colour === "exposure" && levels ? "exposure" : "none";
    exposureLegend.hidden = el.dataset.color !== "exposure";
    hopLegend.hidden = !blast;
  }

  function clear() {
    const had = blast;
    blast = null;
    delete el.dataset.blast;
    delete el.dataset.hops;
    cy.elements().removeClass("faded chosen out in selected-by permitted");
    if (had) paint();
  }

  async function fetchLevels() {
    const response = await fetch(options.exposureUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const index = new Map(model.nodes.map((node, i) => [node[0], i]));
    const out = new Array(model.n);
    for (const x of (await response.json()).exposure) {
      const i = index.get(x.endpoint);
      if (i !== undefined) out[i] = LEVELS.indexOf(x.level);
    }
    return out;
  }

  async function setColour(mode) {
    colour = mode === "exposure" ? "exposure" : "none";
    colorSelect.value = colour;
    if (colour === "exposure" && !levels) {
      el.dataset.color = "loading";
      try {
        levels = await fetchLevels();
      } catch (error) {
        status.textContent = `Could not load the exposure levels (${error.message}).`;
        colour = "none";
        colorSelect.value = colour;
      }
    }
    paint();
    if (colour === "exposure") {
      const count = {};
      cy.nodes().forEach((node) => {
        const level = node.data("exposure");
        if (level && !node.hasClass("folded")) count[level] = (count[level] || 0) + 1;
      });
      const parts = [...LEVELS].reverse().filter((l) => count[l]).map((l) => `${count[l]} ${l}`);
      status.textContent = `Coloured by exposure: ${parts.join(", ") || "no endpoint shown"}.`;
    }
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

  colorSelect.addEventListener("change", () => {
    setColour(colorSelect.value);
    hooks.colour?.(colorSelect.value);
  });

  render();
  if (options.color === "exposure") await setColour("exposure");
  return {
    cy,
    resize() {
      cy.resize();
    },
    setColour,
    // A blast radius: the origin, and [endpoint id, hops] of every endpoint reached from it (or
    // reaching it), lit by hop; the hops also listed in data-hops as `id:hop` for scripts.
    highlightNodes(origin, reached) {
      clear();
      const index = new Map(model.nodes.map((node, i) => [node[0], i]));
      const hops = new Map();
      for (const [id, hop] of reached) if (index.has(id)) hops.set(index.get(id), hop);
      blast = { origin: index.get(origin), hops };
      paint();
      const most = Math.max(0, ...reached.map(([, hop]) => hop));
      status.textContent = `Blast radius of ${origin}: ${reached.length} endpoints within ${most} hop${most === 1 ? "" : "s"}, lit by hop.`;
      el.dataset.blast = origin;
      el.dataset.hops = reached.map(([id, hop]) => `${id}:${hop}`).join(" ");
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
