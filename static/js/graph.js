// Graph view with cytoscape.js: namespaces as boxes, addresses outside the cluster in a column at
// the side, kinds by shape. Big reviews start folded by namespace; clicking a namespace opens it.
// A review whose page carries no edges (model.lazy) draws folded namespaces from the server's
// namespace blocks and fetches a namespace's edges when it opens (data/ns/<g>.json).
// Many edges from one namespace to one outside range are drawn as one bundle.
// Layout: graph_layout.js; keyboard: graph_keyboard.js; highlights: graph_highlight.js; admin
// denials of the selected endpoint (tiered input): graph_denials.js.
import { graphStyle, shapeOf, KIND_SHAPES, OTHER_SHAPE } from "./graph_style.js";
import { placeBlocks } from "./graph_layout.js";
import { keyboard } from "./graph_keyboard.js";
import { highlighter } from "./graph_highlight.js";
import { nearestEdge } from "./graph_hit.js";
import { denials } from "./graph_denials.js";
import { plural } from "./words.js";

const FOLD_NODES = 300;
const FOLD_EDGES = 1500;
const OUTSIDE = "outside";
const MAX_FIT_ZOOM = 1.6;
const MIN_HEIGHT = 340;
const WORKLOAD_ID = /^([^/]*)\/(.*)\[([^\]]*)\]$/;

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

// A domainNames endpoint (tiered input): outside the cluster, named by its pattern, not by CIDRs.
const isDomain = (node) => node[1] < 0 && !node[2].includes("/");

// The shapes legend: one entry per kind shown, drawn as the graph draws it.
function kindLegend(target, kinds, outside, domains) {
  const entries = [...kinds].sort().map((kind) => [shapeOf(kind), KIND_SHAPES[kind] ? kind : `${kind} (other kinds)`]);
  if (outside) entries.push(["diamond", "addresses outside the cluster"]);
  if (domains) entries.push(["round-tag", "domain names (not resolved)"]);
  target.replaceChildren(
    ...entries.map(([shape, text]) => {
      const span = document.createElement("span");
      const swatch = document.createElement("i");
      swatch.className = `shape shape-${shape === OTHER_SHAPE ? "other" : shape}`;
      swatch.setAttribute("aria-hidden", "true");
      span.append(swatch, ` ${text}`);
      return span;
    }),
  );
}

// options: color ("none" | "exposure") to start with, exposureUrl (the findings JSON twin).
export async function mountGraph(el, root, model, view, hooks, options = {}) {
  const cytoscape = await loadCytoscape(root.dataset.cytoscape);
  const status = root.querySelector("[data-graph-status]");
  const tip = root.querySelector("[data-graph-tip]");
  const shown = [...new Set([...view.rows, ...view.cols])];
  const inRows = new Set(view.rows);
  const inCols = new Set(view.cols);
  const groups = new Map();
  for (const i of shown) {
    const key = groupKey(model.nodes[i][1]);
    if (!groups.has(key)) groups.set(key, { g: model.nodes[i][1], members: [] });
    groups.get(key).members.push(i);
  }
  // Without the edges: every shown connection, from the blocks (a bare Pod's loopback is not one).
  const loopbacks = shown.filter((i) => inRows.has(i) && inCols.has(i) && model.nodes[i][0].endsWith("[Pod]")).length;
  const blockTotal = () => {
    let sum = -loopbacks;
    for (const a of groups.values()) for (const b of groups.values()) sum += model.block(a.g, b.g)[1];
    return sum;
  };
  // partial: a big review drawn from the blocks and the namespaces fetched so far.
  const partial = Boolean(model.lazy) && (shown.length > FOLD_NODES || blockTotal() > FOLD_EDGES);
  if (model.lazy && !partial) await model.loadAll();
  let inView = [];
  let visibleEdges = [];
  const collect = () => {
    inView = model.data.edges.filter((e) => inRows.has(e[0]) && inCols.has(e[1]) && model.state(e[0], e[1]) > 0);
    visibleEdges = inView.filter((e) => e[0] !== e[1]);
  };
  collect();
  const folded = new Set();
  if (partial || shown.length > FOLD_NODES || visibleEdges.length > FOLD_EDGES) groups.forEach((_v, key) => folded.add(key));

  const cy = cytoscape({ container: el, style: graphStyle(el), minZoom: 0.05, maxZoom: 4, wheelSensitivity: 0.3 });
  const rep = (i) => {
    const key = groupKey(model.nodes[i][1]);
    return folded.has(key) ? `g:${key}` : `n:${i}`;
  };
  const isOutside = (id) => id === `g:${OUTSIDE}` || (id.startsWith("n:") && model.nodes[Number(id.slice(2))][1] < 0);
  const kinds = new Set();

  function nodeElements() {
    const out = [];
    for (const [key, group] of groups) {
      const name = model.groupName(group.g);
      // The keyboard walks namespaces by name, then ids; address ranges outside the cluster last.
      const outsideLast = group.g < 0 ? 1 : 0;
      const side = group.g < 0 ? " outside" : "";
      if (folded.has(key)) {
        const label = `${name} (${group.members.length})`;
        // As wide as its label (13 px bold), so the name stays inside the box.
        out.push({ group: "nodes", data: { id: `g:${key}`, label, w: label.length * 8 + 18, ns: key, size: group.members.length, name, order: `${outsideLast}\u0001${name}` }, classes: `ns folded${side}` });
        continue;
      }
      out.push({ group: "nodes", data: { id: `g:${key}`, label: name, ns: key, name }, classes: `ns${side}` });
      for (const i of group.members) {
        const node = model.nodes[i];
        const m = WORKLOAD_ID.exec(node[0]);
        const data = { id: `n:${i}`, parent: `g:${key}`, endpoint: node[0], index: i, name: node[0], order: `${outsideLast}\u0001${name}\u0001${node[0]}` };
        if (m) {
          kinds.add(m[3]);
          Object.assign(data, { label: m[2], kind: m[3], shape: shapeOf(m[3]) });
        } else Object.assign(data, { label: node[2], shape: isDomain(node) ? "round-tag" : "diamond" });
        out.push({ group: "nodes", data, classes: m ? "" : "external" });
      }
    }
    return out;
  }

  function edgeElements() {
    const merged = new Map();
    for (const e of visibleEdges) {
      const a = rep(e[0]);
      const b = rep(e[1]);
      if (a === b) continue;
      // Between two folded namespaces: the block below says it all, fetched or not.
      if (partial && a.startsWith("g:") && b.startsWith("g:")) continue;
      const id = `${a}>${b}`;
      const st = model.state(e[0], e[1]);
      const found = merged.get(id);
      if (found) {
        found.data.count += 1;
        if (st < 2) found.data.state = "some";
        found.sets.add(e[4]);
      } else {
        const single = a.startsWith("n:") && b.startsWith("n:");
        // Tiered input: an edge an Admin Accept opened over NetworkPolicy isolation (see the legend).
        const accepted = single && model.verdict && model.verdict(e[0], e[1]) === "admin-accept";
        const data = { id, source: a, target: b, count: 1, state: st === 2 ? "all" : "some", src: single ? model.nodes[e[0]][0] : "", dst: single ? model.nodes[e[1]][0] : "", ports: model.portsText(e[0], e[1]), verdict: accepted ? "admin-accept" : "" };
        merged.set(id, { group: "edges", data, sets: new Set([e[4]]), classes: accepted ? ["admin-accept"] : [] });
      }
    }
    if (partial) {
      for (const [ka, a] of groups) {
        if (!folded.has(ka)) continue;
        for (const [kb, b] of groups) {
          if (ka === kb || !folded.has(kb)) continue;
          const [st, allowed, every, port] = model.block(a.g, b.g);
          if (!st) continue;
          const id = `g:${ka}>g:${kb}`;
          // "some" as for merged edges: one of them allowed on some ports only.
          const data = { id, source: `g:${ka}`, target: `g:${kb}`, count: allowed, state: every === allowed ? "all" : "some", src: "", dst: "", ports: port >= 0 ? model.data.ports[port][0] : "", verdict: "" };
          merged.set(id, { group: "edges", data, sets: new Set(), classes: [] });
        }
      }
    }
    // Bundles: the edges between one namespace's endpoints and one range outside, two or more.
    const bundles = new Map();
    for (const edge of merged.values()) {
      const { source, target } = edge.data;
      const outward = isOutside(target) && !isOutside(source);
      const inward = isOutside(source) && !isOutside(target);
      if (!outward && !inward) continue;
      edge.classes.push("outward");
      const inner = outward ? source : target;
      if (!inner.startsWith("n:")) continue;
      const ns = groupKey(model.nodes[Number(inner.slice(2))][1]);
      const far = outward ? target : source;
      const key = outward ? `b:g:${ns}>${far}` : `b:${far}>g:${ns}`;
      if (!bundles.has(key)) bundles.set(key, { ns, far, outward, members: [] });
      bundles.get(key).members.push(edge);
    }
    const out = [];
    for (const [key, b] of bundles) {
      if (b.members.length < 2) continue;
      const some = b.members.some((m) => m.data.state === "some");
      for (const m of b.members) {
        m.data.bundle = key;
        m.classes.push("bundled");
      }
      const nsNode = `g:${b.ns}`;
      const farLabel = b.far.startsWith("n:") ? model.nodes[Number(b.far.slice(2))][2] : "outside the cluster";
      out.push({
        group: "edges",
        data: { id: key, source: b.outward ? nsNode : b.far, target: b.outward ? b.far : nsNode, count: b.members.length, state: some ? "some" : "all", nsname: model.groupName(groups.get(b.ns).g), far: farLabel },
        classes: `bundle outward${some ? " some" : ""}`,
      });
    }
    for (const edge of merged.values()) {
      if (edge.data.count > 1) edge.classes.push("many");
      if (edge.data.state === "some") edge.classes.push("some");
      edge.data.policysets = [...edge.sets];
      out.push({ group: "edges", data: edge.data, classes: edge.classes.join(" ") });
    }
    return out;
  }

  // Positions from graph_layout.js: one block per namespace, the ranges outside in one column.
  function positions() {
    const blocks = [];
    for (const [key, group] of groups) {
      const ids = folded.has(key) ? [`g:${key}`] : group.members.map((i) => `n:${i}`);
      const labels = ids.map((id) => cy.getElementById(id).data("label") || "");
      const widths = ids.map((id) => cy.getElementById(id).data("w") ?? null);
      blocks.push({ ids, labels, widths, outside: group.g < 0 });
    }
    return placeBlocks(blocks, el.clientWidth / Math.max(1, el.clientHeight));
  }

  // By the nodes: the bounding box of tens of thousands of edges takes seconds, and the edges
  // lie between the nodes anyway.
  const fit = () => {
    cy.fit(cy.nodes(), 24);
    // A few nodes are not blown up to fill the box.
    if (cy.zoom() > MAX_FIT_ZOOM) {
      cy.zoom(MAX_FIT_ZOOM);
      cy.center(cy.nodes());
    }
  };

  // The box as tall as the drawing's shape asks for its width, between a floor and most of the
  // window, so a wide drawing does not float in the middle of an empty box.
  function shape() {
    const bb = cy.nodes().boundingBox();
    const wanted = (el.clientWidth * (bb.h + 60)) / Math.max(1, bb.w + 60);
    const most = Math.max(MIN_HEIGHT, window.innerHeight * 0.7);
    const px = Math.round(Math.max(MIN_HEIGHT, Math.min(most, wanted)));
    if (Math.abs(px - el.clientHeight) > 2) {
      el.style.height = `${px}px`;
      cy.resize();
    }
  }

  function render() {
    deny.clear();
    collect();
    cy.elements().remove();
    kinds.clear();
    const nodes = nodeElements();
    const links = edgeElements();
    const edgeCount = links.filter((e) => !e.classes.split(" ").includes("bundle")).length;
    // Many edges: straight, fainter lines, so the structure shows through. Styled before they
    // are added, so tens of thousands are not laid out as curves first.
    // Solid and unlabelled too: canvas dashes and thousands of labels are slow to draw.
    if (edgeCount > 3000) cy.style().selector("edge").style({ "curve-style": "haystack", "target-arrow-shape": "none", "line-style": "solid", label: "" }).update();
    if (edgeCount > 400) for (const e of links) e.classes += " faint";
    cy.batch(() => {
      cy.add(nodes);
      cy.add(links);
    });
    cy.layout({ name: "preset", positions: positions(), fit: false }).run();
    shape();
    fit();
    el.dataset.nodes = String(cy.nodes().not(".ns").length + cy.nodes(".folded").length);
    el.dataset.edges = String(edgeCount);
    el.dataset.folded = String(folded.size);
    el.dataset.bundles = String(cy.edges(".bundle").length);
    const outside = groups.get(OUTSIDE)?.members ?? [];
    const names = outside.filter((i) => isDomain(model.nodes[i])).length;
    kindLegend(root.querySelector("[data-kind-legend]"), kinds, outside.length > names, names > 0);
    status.textContent = summary();
    light.paint();
    cursor.resolve();
    el.dataset.ready = "true";
  }

  // The summary's counts, and why the graph's may differ: ranges are nodes, loops are not edges.
  function summary() {
    const outside = groups.get(OUTSIDE)?.members ?? [];
    const names = outside.filter((i) => isDomain(model.nodes[i])).length;
    const ranges = outside.length - names;
    const loops = inView.length - visibleEdges.length;
    const parts = [plural(shown.length - outside.length, "endpoint")];
    if (ranges) parts.push(`${plural(ranges, "address range")} outside the cluster`);
    if (names) parts.push(plural(names, "domain name"));
    const listed = parts.length > 2 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts.join(" and ");
    // Not every edge is fetched: the count is the blocks', an endpoint's own included.
    let text = `${listed}, ${partial ? plural(blockTotal(), "connection") : plural(visibleEdges.length, "connection")}`;
    if (loops && !partial) text += ` (and ${plural(loops, "connection")} of an endpoint to itself, on the matrix's diagonal)`;
    if (folded.size) text += `; ${plural(folded.size, "namespace")} folded (click one to open it)`;
    const bundles = cy.edges(".bundle").length;
    if (bundles) text += `; thick lines to the side bundle a namespace's connections with one address range (click one for its endpoints)`;
    return `${text}.`;
  }

  const light = highlighter({
    cy, el, model, groups, rep, status,
    colorSelect: root.querySelector("[data-graph-color]"),
    exposureLegend: root.querySelector("[data-exposure-legend]"),
    hopLegend: root.querySelector("[data-hop-legend]"),
    exposureUrl: options.exposureUrl,
  });
  const deny = denials({ cy, el, model, rep, shown, toggle: root.querySelector("[data-graph-denials]") });
  const clear = () => {
    deny.clear();
    light.clear();
  };

  // Unfold namespaces (their keys), fetching their edges first when the page has not got them.
  async function unfold(keys) {
    if (partial) {
      el.setAttribute("aria-busy", "true");
      try {
        await model.ensure(keys.map((key) => groups.get(key).g));
      } catch (error) {
        status.textContent = `Could not load that namespace (${error.message}).`;
        return;
      } finally {
        el.removeAttribute("aria-busy");
      }
    }
    for (const key of keys) folded.delete(key);
    render();
  }

  function openNode(node) {
    if (node.hasClass("folded")) return unfold([node.data("ns")]);
    if (node.hasClass("ns")) return;
    hooks.select?.();
    light.node(node);
    deny.show(node);
  }

  function openEdge(edge) {
    if (edge.hasClass("bundle")) {
      hooks.select?.();
      deny.clear();
      light.bundle(edge);
      return;
    }
    if (edge.data("src")) {
      hooks.pick(edge.data("src"), edge.data("dst"));
      return;
    }
    return unfold([edge.source(), edge.target()].filter((end) => end.hasClass("folded")).map((end) => end.data("ns")));
  }

  const cursor = keyboard({ cy, el, status, rep, openNode, openEdge, clear, busy: light.busy });

  cy.on("tap", "node", (event) => {
    if (!event.target.hasClass("ns") || event.target.hasClass("folded")) cursor.place(event.target.id(), null, false);
    openNode(event.target);
  });
  cy.on("tap", "edge", (event) => {
    const edge = nearestEdge(cy, event.position, event.target);
    if (!edge.hasClass("bundle")) cursor.place(edge.source().id(), edge.id(), false);
    openEdge(edge);
  });
  cy.on("tap", (event) => {
    if (event.target === cy) {
      clear();
      hooks.select?.();
    }
  });
  hover(cy, el, tip);
  root.querySelector("[data-graph-reset]").addEventListener("click", clear);
  root.querySelector("[data-graph-fold]").addEventListener("click", () => {
    groups.forEach((_v, key) => folded.add(key));
    render();
  });
  const zoomBy = (factor) => cy.zoom({ level: cy.zoom() * factor, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  root.querySelector("[data-graph-zoom-in]").addEventListener("click", () => zoomBy(1.25));
  root.querySelector("[data-graph-zoom-out]").addEventListener("click", () => zoomBy(0.8));
  root.querySelector("[data-graph-fit]").addEventListener("click", fit);
  const colorSelect = root.querySelector("[data-graph-color]");
  colorSelect.addEventListener("change", () => {
    light.setColour(colorSelect.value);
    hooks.colour?.(colorSelect.value);
  });

  // Re-fit whenever the graph's box changes size: the panel opening or closing, a resize.
  let size = [el.clientWidth, el.clientHeight];
  let frame = 0;
  new ResizeObserver(() => {
    const now = [el.clientWidth, el.clientHeight];
    if (!now[0] || !now[1] || (now[0] === size[0] && now[1] === size[1])) return;
    size = now;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      cy.resize();
      shape();
      fit();
      el.dataset.fits = String((Number(el.dataset.fits) || 0) + 1);
    });
  }).observe(el);

  render();
  if (options.color === "exposure") await light.setColour("exposure");
  return {
    cy,
    resize() {
      cy.resize();
    },
    fit,
    // Every namespace open, as clicking each folded one would (for scripts and tests).
    openAll() {
      return unfold([...folded]);
    },
    setColour: light.setColour,
    highlightNodes(origin, reached) {
      deny.clear();
      light.nodes(origin, reached);
    },
    highlightPolicy(index) {
      deny.clear();
      light.policy(index);
    },
  };
}

// A tooltip over the graph: an endpoint's name and kind and its edges; an edge's ports (of the
// edge nearest the pointer, as a click would open).
function hover(cy, el, tip) {
  const show = (event, text) => {
    tip.textContent = text;
    tip.hidden = false;
    const p = event.renderedPosition;
    const box = el.getBoundingClientRect();
    const w = tip.offsetWidth;
    tip.style.left = `${Math.max(0, Math.min(box.width - w, p.x + 12))}px`;
    tip.style.top = `${Math.max(0, p.y + 14)}px`;
  };
  cy.on("mouseover", "node", (event) => {
    const node = event.target;
    if (node.hasClass("ns") && !node.hasClass("folded")) return;
    if (node.hasClass("folded")) return show(event, `${node.data("name")}: ${plural(node.data("size"), "endpoint")}, folded (click to open)`);
    const kind = node.data("kind") ? ` (${node.data("kind")})` : "";
    show(event, `${node.data("endpoint")}${kind}: reaches ${node.outgoers("edge").not(".admin-deny").length}, reached by ${node.incomers("edge").not(".admin-deny").length}`);
  });
  const onEdge = (event) => {
    const edge = nearestEdge(cy, event.position, event.target);
    if (edge.hasClass("bundle")) return show(event, `${plural(edge.data("count"), "endpoint")} of ${edge.data("nsname")} ↔ ${edge.data("far")} (click for which)`);
    if (edge.hasClass("admin-deny")) return show(event, `${edge.source().data("name")} → ${edge.target().data("name")}: ${edge.data("count") > 1 ? `${plural(edge.data("count"), "pair")} ` : ""}denied by an admin rule${edge.data("src") ? " (click for why)" : ""}`);
    if (!edge.data("src")) return show(event, `${edge.source().data("name")} → ${edge.target().data("name")}: ${plural(edge.data("count"), "connection")}`);
    const ports = edge.data("state") === "all" ? "every port" : edge.data("ports");
    show(event, `${edge.data("src")} → ${edge.data("dst")}: ${ports}`);
  };
  cy.on("mouseover", "edge", onEdge);
  cy.on("mousemove", "edge", onEdge);
  cy.on("mouseout", "node, edge", () => (tip.hidden = true));
  cy.on("viewport", () => (tip.hidden = true));
  // Leaving the box need not leave a node first (cytoscape then sends no mouseout).
  el.addEventListener("mouseleave", () => (tip.hidden = true));
}
