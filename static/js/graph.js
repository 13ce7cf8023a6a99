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
    { selector: "edge.admin-accept", style: { "line-color": "#1450a8", "target-arrow-color": "#1450a8", "target-arrow-shape": "diamond" } },
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
    // The keyboard cursor: a halo and a thick line, so it does not rest on colour alone.
    { selector: "node.cursor", style: { "underlay-color": v("--focus"), "underlay-opacity": 0.55, "underlay-padding": 9, "underlay-shape": "ellipse", "font-weight": "bold", opacity: 1 } },
    { selector: "edge.cursor", style: { width: 6, opacity: 1, "underlay-color": v("--focus"), "underlay-opacity": 0.45, "underlay-padding": 4 } },
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
      // The keyboard walks namespaces by name, then ids; address ranges outside the cluster last.
      const outsideLast = group.g < 0 ? 1 : 0;
      if (folded.has(key)) {
        out.push({ group: "nodes", data: { id: `g:${key}`, label: `${name} (${group.members.length})`, ns: key, size: group.members.length, name, order: `${outsideLast}\u0001${name}` }, classes: "ns folded" });
        continue;
      }
      out.push({ group: "nodes", data: { id: `g:${key}`, label: name, ns: key }, classes: "ns" });
      for (const i of group.members) {
        const node = model.nodes[i];
        const label = node[1] < 0 ? node[2] : node[0].slice(node[0].indexOf("/") + 1);
        out.push({ group: "nodes", data: { id: `n:${i}`, parent: `g:${key}`, label, endpoint: node[0], index: i, name: node[0], order: `${outsideLast}\u0001${name}\u0001${node[0]}` }, classes: node[1] < 0 ? "external" : "" });
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
        // Tiered input: an edge an Admin Accept opened over NetworkPolicy isolation (see the legend).
        const accepted = single && model.verdict && model.verdict(e[0], e[1]) === "admin-accept";
        merged.set(id, {
          group: "edges",
          data: { id, source: a, target: b, count: 1, state: st === 2 ? "all" : "some", src: single ? model.nodes[e[0]][0] : "", dst: single ? model.nodes[e[1]][0] : "", ports: model.portsText(e[0], e[1]), verdict: accepted ? "admin-accept" : "" },
          classes: (st === 2 ? "" : "some") + (accepted ? " admin-accept" : ""),
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
    resolveCursor();
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

  function openNode(node) {
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
  }

  function openEdge(edge) {
    if (edge.data("src")) {
      hooks.pick(edge.data("src"), edge.data("dst"));
      return;
    }
    for (const end of [edge.source(), edge.target()]) if (end.hasClass("folded")) folded.delete(end.data("ns"));
    render();
  }

  // Keyboard cursor, shown with class "cursor" and named in data-cursor (endpoint id, namespace
  // name, or src→dst). The node to come back to after Escape is kept in `last`.
  const cursor = {
    node: null,
    edge: null,
    last: null,
    place(node, edge, announce) {
      this.node = node;
      this.edge = edge;
      markCursor(announce);
    },
  };
  const byOrder = (a, b) => (a.data("order") < b.data("order") ? -1 : a.data("order") > b.data("order") ? 1 : 0);
  // What the cursor can stand on: endpoints and folded namespaces, by namespace then id.
  const walkable = () => cy.nodes().filter((n) => !n.hasClass("ns") || n.hasClass("folded")).sort(byOrder).toArray();
  // A node's edges: what it reaches, then what reaches it, each in walking order of the far end.
  function edgesOf(node) {
    const far = (end) => (a, b) => byOrder(end(a), end(b));
    return [...node.outgoers("edge").sort(far((e) => e.target())).toArray(), ...node.incomers("edge").sort(far((e) => e.source())).toArray()];
  }
  const nameOf = (ele) => (ele.isNode() ? ele.data("name") : `${ele.source().data("name")}→${ele.target().data("name")}`);

  function describe(node, edge) {
    const edges = edgesOf(node);
    if (edge) {
      const which = `edge ${edges.findIndex((e) => e.same(edge)) + 1} of ${edges.length} of ${node.data("name")}`;
      if (!edge.data("src")) return `${edge.source().data("name")} → ${edge.target().data("name")}: ${edge.data("count")} connections (${which}). Enter opens the folded namespaces.`;
      const ports = edge.data("state") === "all" ? "every port" : `some ports: ${edge.data("ports")}`;
      return `${edge.data("src")} → ${edge.data("dst")}, ${ports} (${which}). Enter explains it.`;
    }
    const order = walkable();
    const where = `${order.findIndex((n) => n.same(node)) + 1} of ${order.length}`;
    if (node.hasClass("folded")) return `Namespace ${node.data("name")}, folded, ${node.data("size")} endpoints (${where}). Enter opens it.`;
    return `${node.data("name")} (${where}): reaches ${node.outgoers("edge").length}, reached by ${node.incomers("edge").length}. Enter highlights them; Up and Down walk its ${edges.length} edges.`;
  }

  function markCursor(announce) {
    cy.elements(".cursor").removeClass("cursor");
    const node = cursor.node ? cy.getElementById(cursor.node) : cy.collection();
    if (node.empty()) {
      cursor.node = null;
      cursor.edge = null;
      delete el.dataset.cursor;
      return;
    }
    const edge = cursor.edge ? cy.getElementById(cursor.edge) : cy.collection();
    if (edge.empty()) cursor.edge = null;
    const at = edge.empty() ? node : edge;
    at.addClass("cursor");
    el.dataset.cursor = nameOf(at);
    if (!announce) return;
    status.textContent = describe(node, edge.empty() ? null : edge);
    // Keep the cursor in view without moving the graph while it already is.
    const box = at.renderedBoundingBox();
    if (box.x1 < 0 || box.y1 < 0 || box.x2 > cy.width() || box.y2 > cy.height()) cy.center(at);
  }

  // After render() (folding or opening), the cursor moves to what now stands for its node: the
  // folded namespace of an endpoint, or the first endpoint of an opened namespace.
  function resolveCursor() {
    let id = cursor.node;
    if (!id) return;
    if (cy.getElementById(id).empty() && id.startsWith("n:")) id = rep(Number(id.slice(2)));
    const node = cy.getElementById(id);
    if (node.hasClass("ns") && !node.hasClass("folded")) id = walkable().find((n) => n.data("parent") === id)?.id() ?? null;
    cursor.node = id;
    markCursor(false);
  }

  el.addEventListener("keydown", (event) => {
    if (event.target !== el || event.altKey || event.ctrlKey || event.metaKey) return;
    const order = walkable();
    const k = order.findIndex((n) => n.id() === cursor.node);
    const node = k < 0 ? null : order[k];
    const edges = node ? edgesOf(node) : [];
    const e = edges.findIndex((x) => x.id() === cursor.edge);
    // Without a cursor, any arrow starts where Escape left it, or at the first node.
    const start = () => cursor.place(order.find((n) => n.id() === cursor.last)?.id() ?? order[0]?.id() ?? null, null, true);
    switch (event.key) {
      case "ArrowRight":
      case "ArrowLeft":
        if (!node) start();
        else cursor.place(order[Math.max(0, Math.min(order.length - 1, k + (event.key === "ArrowRight" ? 1 : -1)))].id(), null, true);
        break;
      case "Home":
      case "End":
        if (order.length) cursor.place(order[event.key === "Home" ? 0 : order.length - 1].id(), null, true);
        break;
      case "ArrowDown":
      case "ArrowUp": {
        // The node itself sits between its last edge and its first, so the edges go round.
        const next = ((e + 1 + (event.key === "ArrowDown" ? 1 : -1) + edges.length + 1) % (edges.length + 1)) - 1;
        if (!node) start();
        else cursor.place(node.id(), next < 0 ? null : edges[next].id(), true);
        break;
      }
      case "Enter": {
        if (!node) return;
        const at = cursor.edge ? cy.getElementById(cursor.edge) : node;
        // Opening a folded namespace redraws the graph: say where the cursor landed.
        const redraws = at.hasClass("folded") || (at.isEdge() && !at.data("src"));
        if (at.isEdge()) openEdge(at);
        else openNode(at);
        if (redraws) markCursor(true);
        break;
      }
      case "Escape":
        if (!node && !blast && !cy.elements(".faded").length) return;
        clear();
        cursor.last = cursor.node ?? cursor.last;
        cursor.place(null, null, false);
        status.textContent = "Highlight and keyboard cursor cleared.";
        break;
      default:
        return;
    }
    event.preventDefault();
  });

  cy.on("tap", "node", (event) => {
    if (!event.target.hasClass("ns") || event.target.hasClass("folded")) cursor.place(event.target.id(), null, false);
    openNode(event.target);
  });
  cy.on("tap", "edge", (event) => {
    cursor.place(event.target.source().id(), event.target.id(), false);
    openEdge(event.target);
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
