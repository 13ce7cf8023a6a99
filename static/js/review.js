// Review page: tabs, filters from the URL, the matrix and graph views and the explanation panel.
// Data comes from the json_script #netviz-data (layout in netviz/web/explore_data.py).
import { mountMatrix } from "./matrix.js";
import { mountGraph } from "./graph.js";
import { keepSelection } from "./urlstate.js";

const WORKLOAD_ID = /^([^/]*)\/(.*)\[([^\]]*)\]$/;

// Mirrors netviz.web.edges.slug: `ns/name[Kind]` → `ns~name~Kind`; address ranges as they are.
export function edgeSlug(id) {
  const m = WORKLOAD_ID.exec(id);
  return m ? `${m[1]}~${m[2]}~${m[3]}` : id;
}

function readFilters(params) {
  const port = parseInt(params.get("port") || "", 10);
  return {
    ns: params.getAll("ns").filter(Boolean),
    q: (params.get("q") || "").trim().toLowerCase(),
    protocol: params.get("protocol") || "",
    port: port >= 0 && port <= 65535 ? port : null, // 0: an ICMP type (askedRows drops it else)
    focus: (params.get("focus") || "").trim(),
    dir: params.get("dir") || "both",
    tab: params.get("tab") || "matrix",
    color: params.get("color") === "exposure" ? "exposure" : "none",
  };
}

// A bare Pod always reaches itself (loopback), so the engine lists no connection for it.
const isBarePod = (node) => node[0].endsWith("[Pod]");

// The port rows the protocol/port filter asks about, or null: netviz.web.filters.asked_rows and
// valid_port (blocks.Filters.of), ICMP, ICMPv6, UDPLite only where data.protocol_blocks has them.
function askedRows(filters, data) {
  const other = (data.protocol_blocks || {})[filters.protocol];
  const own = ["TCP", "UDP", "SCTP"].includes(filters.protocol);
  const protocol = own || other ? filters.protocol : "";
  const icmp = protocol === "ICMP" || protocol === "ICMPv6";
  const port = filters.port === null || protocol === "UDPLite" ? null : filters.port;
  const ok = port !== null && (icmp ? port <= 255 : other ? false : port >= 1);
  if (!protocol && !ok) return null;
  if (other) return [["IP", other[0] + (ok ? port * 256 : 0), ok ? other[0] + port * 256 + 255 : other[1]]];
  const [lo, hi] = ok ? [port, port] : [1, 65535];
  return (protocol ? [protocol] : ["TCP", "UDP", "SCTP"]).map((p) => [p, lo, hi]);
}

// Everything the views share: nodes, a dense pair → edge index, and each port set's state.
function buildModel(data, filters, served) {
  const n = data.nodes.length;
  // A dense pair index up to 4,000 endpoints (64 MB at most); a Map beyond, slower but bounded.
  const dense = n <= 4000;
  const table = dense ? new Int32Array(n * n).fill(-1) : new Map();
  const index = (e, k) => {
    if (dense) table[e[0] * n + e[1]] = k;
    else table.set(e[0] * n + e[1], k);
  };
  data.edges.forEach(index);
  const indexOf = dense ? (i) => table[i] : (i) => table.get(i) ?? -1;
  const wanted = askedRows(filters, data);
  const asked = wanted !== null;
  const total = asked ? wanted.reduce((n, [, lo, hi]) => n + hi - lo + 1, 0) : 0;
  const portState = new Uint8Array(data.ports.length);
  data.ports.forEach(([, rows], i) => {
    let covered = 0;
    for (const [proto, start, end] of rows) {
      for (const [p, lo, hi] of wanted || []) {
        if (p === proto) covered += Math.max(0, Math.min(end, hi) - Math.max(start, lo) + 1);
      }
    }
    portState[i] = covered === 0 ? 0 : covered === total ? 2 : 1;
  });
  // Pairs an ordered tier (Admin/Baseline) decided: "admin-deny" / "admin-accept" (tiered input only).
  const verdictOf = new Map((data.verdicts || []).map(([s, d, k]) => [s * n + d, data.verdict_kinds[k]]));
  const model = {
    data,
    n,
    verdict(s, d) {
      return verdictOf.get(s * n + d) || null;
    },
    nodes: data.nodes,
    namespaces: data.namespaces,
    asked,
    // 0 denied, 1 some ports, 2 every port (of the ports asked about, when a filter asks).
    state(s, d) {
      if (s === d && isBarePod(data.nodes[s])) return 2;
      const k = indexOf(s * n + d);
      if (k < 0) return 0;
      const e = data.edges[k];
      return asked ? portState[e[3]] : e[2];
    },
    edge(s, d) {
      const k = indexOf(s * n + d);
      return k < 0 ? null : data.edges[k];
    },
    portsText(s, d) {
      if (s === d && isBarePod(data.nodes[s])) return "All Connections (loopback: a pod always reaches itself)";
      const k = indexOf(s * n + d);
      return k < 0 ? "denied" : data.ports[data.edges[k][3]][0];
    },
    groupName(g) {
      return g < 0 ? "outside the cluster" : data.namespaces[g];
    },
  };
  if (data.lazy) Object.assign(model, lazyParts(data, filters, served, index));
  return model;
}

// A big review (data.lazy): the page carries the view and namespace × namespace blocks
// (netviz/web/blocks.py); a namespace's edges are fetched when it opens, every shown edge when
// the graph or a small view needs them. Fetched edges join data.edges and the pair index.
function lazyParts(data, filters, served, index) {
  const K = data.namespaces.length + 1; // groups as the server numbers them: outside is last
  const key = (g) => (g < 0 ? K - 1 : g);
  const blocks = new Map(served.blocks.map((b) => [b[0] * K + b[1], b.slice(2)]));
  const loaded = new Set();
  let everything = null;
  const query = new URLSearchParams();
  for (const ns of filters.ns) query.append("ns", ns);
  for (const name of ["q", "protocol", "focus"]) if (filters[name]) query.set(name, filters[name]);
  if (filters.port !== null) query.set("port", String(filters.port));
  if (filters.dir !== "both") query.set("dir", filters.dir);
  const qs = query.toString() ? `?${query}` : "";
  const seen = new Set();
  const add = (edges) => {
    for (const e of edges) {
      const k = e[0] * data.nodes.length + e[1];
      if (seen.has(k)) continue;
      seen.add(k);
      index(e, data.edges.length);
      data.edges.push(e);
    }
  };
  const fetchJson = async (path) => {
    const response = await fetch(`${data.data_url}${path}${qs}`, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return response.json();
  };
  const loadAll = () => {
    everything ??= fetchJson("edges.json").then((body) => {
      add(body.edges);
      for (let g = 0; g < K; g++) loaded.add(g);
    });
    return everything;
  };
  const pending = new Map();
  const loadGroup = (g) => {
    const k = key(g);
    if (loaded.has(k)) return Promise.resolve();
    if (!pending.has(k)) {
      pending.set(k, fetchJson(`ns/${k}.json`).then((body) => {
        add(body.edges);
        loaded.add(k);
      }));
    }
    return pending.get(k);
  };
  return {
    lazy: true,
    isLoaded: (g) => loaded.has(key(g)),
    // Namespaces one by one while few are asked, else every shown edge in one answer.
    ensure: (groups) => (groups.length > 4 ? loadAll() : Promise.all(groups.map(loadGroup))),
    loadAll,
    // [state, allowed pairs, pairs on every port, port set or -1] of a namespace block.
    block: (a, b) => blocks.get(key(a) * K + key(b)) || [0, 0, 0, -1],
  };
}

function findNode(model, text) {
  if (!text) return -1;
  const exact = model.nodes.findIndex((node) => node[0] === text);
  if (exact >= 0) return exact;
  const lower = text.toLowerCase();
  return model.nodes.findIndex((node) => node[0].toLowerCase().startsWith(lower + "["));
}

// Which endpoints are rows (sources) and columns (destinations) under the filters.
function buildView(model, filters) {
  const { n, nodes } = model;
  const chosen = new Set(filters.ns);
  const inNs = nodes.map((node) => !chosen.size || chosen.has(model.groupName(node[1])));
  const focus = findNode(model, filters.focus);
  let rows = new Uint8Array(n);
  let cols = new Uint8Array(n);
  const edges = model.data.edges;
  const allowed = (e) => model.state(e[0], e[1]) > 0;
  if (focus >= 0) {
    const out = filters.dir !== "in";
    const inn = filters.dir !== "out";
    if (out) rows[focus] = 1;
    if (inn) cols[focus] = 1;
    for (const e of edges) {
      if (!allowed(e)) continue;
      if (out && e[0] === focus && inNs[e[1]]) cols[e[1]] = 1;
      if (inn && e[1] === focus && inNs[e[0]]) rows[e[0]] = 1;
    }
    if (out && inn) {
      rows[focus] = 1;
      cols[focus] = 1;
    }
  } else if (filters.q) {
    const match = nodes.map((node, i) => inNs[i] && node[3].includes(filters.q));
    for (let i = 0; i < n; i++) if (match[i]) rows[i] = cols[i] = 1;
    for (const e of edges) {
      if (!allowed(e) || !inNs[e[0]] || !inNs[e[1]]) continue;
      if (match[e[1]]) rows[e[0]] = 1;
      if (match[e[0]]) cols[e[1]] = 1;
    }
  } else {
    for (let i = 0; i < n; i++) rows[i] = cols[i] = inNs[i] ? 1 : 0;
  }
  if (model.asked && focus < 0) {
    // "What can reach TCP 5432?": keep only endpoints with an allowed cell left.
    const r2 = new Uint8Array(n);
    const c2 = new Uint8Array(n);
    for (const e of edges) {
      if (rows[e[0]] && cols[e[1]] && allowed(e)) {
        r2[e[0]] = 1;
        c2[e[1]] = 1;
      }
    }
    rows = r2;
    cols = c2;
  }
  const pick = (mask) => {
    const out = [];
    for (let i = 0; i < n; i++) if (mask[i]) out.push(i);
    return out;
  };
  return { rows: pick(rows), cols: pick(cols), focus };
}

// The explanation panel: the edge page fetched and its section moved in (no HTML built here).
// A side sheet the views make room for (below them when narrow), resizable by its grip.
function makePanel(root, filters, hooks) {
  const panel = root.querySelector("[data-testid=explanation-panel]");
  const body = panel.querySelector("[data-panel-body]");
  const layout = root.querySelector("[data-layout]");
  let asking = 0;
  const close = () => {
    asking++;
    if (panel.hidden) return;
    keepInPlace(root, () => {
      panel.hidden = true;
      layout.classList.remove("with-panel");
      body.replaceChildren();
      delete panel.dataset.src;
      delete panel.dataset.dst;
    });
  };
  panel.querySelector("[data-close-panel]").addEventListener("click", close);
  panel.addEventListener("click", (event) => {
    const button = event.target.closest("[data-policy]");
    if (button) hooks.policy(button.dataset.policy);
  });
  resizable(layout, panel.querySelector("[data-panel-grip]"));
  async function open(src, dst) {
    const base = root.dataset.edgeBase;
    const query = new URLSearchParams();
    if (filters.protocol) query.set("protocol", filters.protocol);
    if (filters.port !== null) query.set("port", String(filters.port));
    const qs = query.toString();
    const url = `${base}${encodeURIComponent(edgeSlug(src))}/${encodeURIComponent(edgeSlug(dst))}/${qs ? "?" + qs : ""}`;
    const ticket = ++asking;
    const status = document.createElement("p");
    status.className = "hint";
    status.textContent = `Explaining ${src} → ${dst} …`;
    keepInPlace(root, () => {
      panel.hidden = false;
      layout.classList.add("with-panel");
      body.replaceChildren(status);
    });
    panel.dataset.src = src;
    panel.dataset.dst = dst;
    panel.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      const doc = new DOMParser().parseFromString(await response.text(), "text/html");
      const section = doc.querySelector("[data-testid=explanation]");
      if (ticket !== asking) return;
      if (!section) throw new Error("no explanation in the answer");
      keepInPlace(root, () => body.replaceChildren(document.importNode(section, true)));
      body.scrollTop = 0;
      panel.scrollTop = 0;
      reveal(panel);
    } catch (error) {
      if (ticket !== asking) return;
      status.textContent = `Could not load the explanation (${error.message}). `;
      const link = document.createElement("a");
      link.href = url;
      link.textContent = "Open it on its own page";
      status.append(link);
    } finally {
      if (ticket === asking) panel.removeAttribute("aria-busy");
    }
  }
  return { open, close };
}

// The opened panel's title bar in view: a side sheet taller than the view beside it has no room
// to stick, so its top can sit above the window; below the views (narrow) it can sit under it.
function reveal(panel) {
  const top = panel.getBoundingClientRect().top;
  if (top < 0) window.scrollBy(0, top - 8);
  else if (top > window.innerHeight - 48) panel.scrollIntoView({ block: "start" });
}

// Runs change() and scrolls back by however far the shown view moved: opening the panel must
// leave the cell under the pointer where it was.
function keepInPlace(root, change) {
  const shown = [...root.querySelectorAll(".tabpanel")].find((p) => !p.hidden);
  const view = shown?.querySelector("[data-matrix], [data-graph]") ?? shown;
  const before = view?.getBoundingClientRect().top;
  change();
  if (view === undefined) return;
  const moved = view.getBoundingClientRect().top - before;
  if (moved) window.scrollBy(0, moved);
}

// The panel's width by dragging its grip, or by Left and Right on it; kept for the visit.
const PANEL_MIN = 280;
function resizable(layout, grip) {
  const set = (width) => {
    const most = Math.max(PANEL_MIN, layout.clientWidth * 0.65);
    const px = Math.round(Math.max(PANEL_MIN, Math.min(most, width)));
    layout.style.setProperty("--panel-w", `${px}px`);
    layout.dataset.panelWidth = String(px);
  };
  const current = () => layout.querySelector(".panel").getBoundingClientRect().width;
  grip.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    grip.setPointerCapture(event.pointerId);
    const start = [event.clientX, current()];
    const move = (e) => set(start[1] + start[0] - e.clientX);
    const up = () => {
      grip.removeEventListener("pointermove", move);
      grip.removeEventListener("pointerup", up);
    };
    grip.addEventListener("pointermove", move);
    grip.addEventListener("pointerup", up);
  });
  grip.addEventListener("keydown", (event) => {
    const step = { ArrowLeft: 40, ArrowRight: -40 }[event.key];
    if (!step) return;
    event.preventDefault();
    set(current() + step);
  });
}

function setupTabs(root, initial, onShow) {
  const list = root.querySelector("[data-tablist]");
  const tabs = [...list.querySelectorAll("[role=tab]")];
  const panels = new Map(tabs.map((t) => [t.dataset.tab, root.querySelector(`#${t.getAttribute("aria-controls")}`)]));
  root.querySelectorAll(".noscript-heading").forEach((h) => (h.hidden = true));
  list.hidden = false;
  const show = (key, focus = false) => {
    if (!panels.has(key)) key = "matrix";
    for (const t of tabs) {
      const on = t.dataset.tab === key;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      panels.get(t.dataset.tab).hidden = !on;
      if (on && focus) t.focus();
    }
    const url = new URL(window.location.href);
    if (key === "matrix") url.searchParams.delete("tab");
    else url.searchParams.set("tab", key);
    history.replaceState(null, "", url);
    root.querySelectorAll("input[name=tab]").forEach((i) => (i.value = key));
    onShow(key);
  };
  list.addEventListener("click", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (tab) show(tab.dataset.tab);
  });
  list.addEventListener("keydown", (event) => {
    const at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) {
      event.preventDefault();
      show(tabs[(at + step + tabs.length) % tabs.length].dataset.tab, true);
    }
  });
  show(initial);
  return show;
}

// A tab filled from its own page: the page fetched, its main section moved in.
async function loadFragment(target, url, testid) {
  target.setAttribute("aria-busy", "true");
  try {
    const response = await fetch(url, { headers: { Accept: "text/html" } });
    const doc = new DOMParser().parseFromString(await response.text(), "text/html");
    const part = doc.querySelector(`[data-testid=${testid}]`);
    if (part) target.replaceChildren(document.importNode(part, true));
  } finally {
    target.removeAttribute("aria-busy");
    target.dataset.loaded = "true";
  }
}

function wirePolicies(root, url, hooks) {
  const target = root.querySelector("[data-policies-target]");
  target.addEventListener("click", (event) => {
    const button = event.target.closest("[data-policy]");
    if (button) hooks.policy(button.dataset.policy);
  });
  return () => target.dataset.loaded || loadFragment(target, url, "policies");
}

// The findings page's own query parameters, mirrored into the review URL while its tab sorts.
const FINDINGS_STATE = ["sort", "order", "all"];

// The findings page's JSON twin: `…/findings/` → `…/findings.json` (netviz/urls.py).
const findingsJson = (url) => url.replace(/\/$/, ".json");

function wireFindings(root, url, hooks) {
  const target = root.querySelector("[data-findings-target]");
  const load = (query = "") => loadFragment(target, url + query, "findings");
  const follow = (link, anchor) => {
    const query = new URL(link.href).searchParams;
    const page = new URL(window.location.href);
    for (const key of FINDINGS_STATE) {
      if (query.has(key)) page.searchParams.set(key, query.get(key));
      else page.searchParams.delete(key);
    }
    history.replaceState(null, "", page);
    load(`?${query}`).then(() => target.querySelector(anchor)?.scrollIntoView());
  };
  target.addEventListener("click", (event) => {
    const nav = event.target.closest("[data-findings-nav]");
    if (nav) {
      event.preventDefault();
      follow(nav, "#exposure");
      return;
    }
    const link = event.target.closest("[data-blast-link]");
    if (link) {
      event.preventDefault();
      follow(link, "#blast");
      return;
    }
    if (event.target.closest("[data-blast-show]")) showBlast(target.querySelector("[data-testid=blast]"));
  });
  // Every endpoint reached with its hops from the JSON twin (the list on the page stops at 200).
  async function showBlast(blast) {
    const query = new URLSearchParams({ from: blast.dataset.origin });
    if (blast.dataset.reverse === "true") query.set("reverse", "1");
    let reached;
    try {
      const response = await fetch(`${findingsJson(url)}?${query}`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      reached = (await response.json()).blast.reached.map((r) => [r.node, r.hops]);
    } catch {
      reached = [...blast.querySelectorAll("[data-endpoint]")].map((li) => [li.dataset.endpoint, Number(li.dataset.hops)]);
    }
    hooks.nodes(blast.dataset.origin, reached);
  }
  target.addEventListener("submit", (event) => {
    const form = event.target.closest("[data-blast-form]");
    if (!form) return;
    event.preventDefault();
    load("?" + new URLSearchParams(new FormData(form)).toString());
  });
  const initial = new URLSearchParams();
  const params = new URLSearchParams(window.location.search);
  for (const key of FINDINGS_STATE) if (params.has(key)) initial.set(key, params.get(key));
  return () => target.dataset.loaded || load(initial.toString() ? `?${initial}` : "");
}

// The graph's colouring kept in the URL and in the filter form, so Apply keeps it too.
function keepColour(root, mode) {
  const url = new URL(window.location.href);
  if (mode === "exposure") url.searchParams.set("color", mode);
  else url.searchParams.delete("color");
  history.replaceState(null, "", url);
  const form = root.querySelector("[data-explore-filters]");
  if (!form) return;
  let input = form.querySelector("input[name=color]");
  if (!input) {
    input = document.createElement("input");
    input.type = "hidden";
    input.name = "color";
    form.append(input);
  }
  input.value = mode;
  input.disabled = mode !== "exposure";
}

function main() {
  const root = document.querySelector("[data-testid=explore]");
  const source = document.getElementById("netviz-data");
  if (!root || !source) return;
  const data = JSON.parse(source.textContent);
  Object.assign(data, JSON.parse(document.getElementById("netviz-urls").textContent));
  root.dataset.edgeBase = data.edge_base;
  const filters = readFilters(new URLSearchParams(window.location.search));
  const served = data.lazy ? JSON.parse(document.getElementById("netviz-view").textContent) : null;
  const model = buildModel(data, filters, served);
  // A big review's rows and columns come worked out by the server, under the same filters.
  const view = served ? { rows: served.rows, cols: served.cols, focus: served.focus } : buildView(model, filters);
  let graph = null;
  let mounting = null;
  let pending = null;
  let show = null;
  const hooks = {
    pick: (src, dst) => openEdge(src, dst),
    policy: (id) => {
      const index = data.policies.findIndex((p) => p[0] === id);
      if (index < 0) return;
      pending = (g) => g.highlightPolicy(index);
      show("graph");
      revealGraph(root);
    },
    nodes: (origin, reached) => {
      pending = (g) => g.highlightNodes(origin, reached);
      show("graph");
      revealGraph(root);
    },
    colour: (mode) => keepColour(root, mode),
    // A new selection in the graph (an endpoint, a bundle, the background): the pair explained
    // is no longer what the view shows.
    select: () => panel.close(),
  };
  const panel = makePanel(root, filters, hooks);
  const openEdge = panel.open;
  if (filters.color === "exposure") keepColour(root, filters.color);
  mountMatrix(root.querySelector("[data-matrix]"), root.querySelector("[data-matrix-focus]"), model, view, hooks);
  // For bench/page_load.py: milliseconds from navigation start to the matrix drawn.
  const loadPolicies = wirePolicies(root, data.policies_url, hooks);
  const loadFindings = wireFindings(root, data.findings_url, hooks);
  window.netviz = { model, view, edgeSlug, openEdge, graph: null, drawnAt: performance.now() };
  let shownTab = null;
  show = setupTabs(root, filters.tab, async (key) => {
    // Another view: the explanation of the last one's selection goes.
    if (shownTab !== null && key !== shownTab) panel.close();
    shownTab = key;
    if (key === "graph") {
      // Once, even when the tab is shown again while the graph is still being drawn.
      mounting ??= (async () => {
        // A big review's graph fetches the edges it needs itself (graph.js).
        const options = { color: filters.color, exposureUrl: findingsJson(data.findings_url) };
        graph = await mountGraph(root.querySelector("[data-graph]"), root, model, view, hooks, options);
        window.netviz.graph = graph;
        root.dispatchEvent(new Event("netviz:graph"));
      })();
      await mounting;
      graph.resize();
      if (pending) {
        pending(graph);
        pending = null;
      }
    } else if (key === "policies") {
      loadPolicies();
    } else if (key === "findings") {
      loadFindings();
    }
  });
  tabLinks(show);
  // The selection in the address bar (?edge=, ?node=, ?policy=), restored from it first.
  const whenGraph = (f) => {
    pending = f;
    show("graph");
    revealGraph(root);
  };
  keepSelection({ root, model, hooks, openEdge, edgeSlug, graph: () => graph, whenGraph });
  fillEndpointList(root, model);
  Object.assign(window.netviz, { hooks, show, root });
  root.dataset.ready = "true";
}

// A big review's "Focus on" suggestions, from the page data when the field is first focused.
function fillEndpointList(root, model) {
  const list = document.getElementById("netviz-endpoint-ids");
  const input = root.querySelector("[data-testid=filter-focus]");
  if (!list || !input || !("fill" in list.dataset)) return;
  const fill = () => {
    delete list.dataset.fill;
    list.replaceChildren(...model.nodes.map((node) => Object.assign(document.createElement("option"), { value: node[0] })));
  };
  input.addEventListener("focus", fill, { once: true });
}

// Links that name a tab (the summary's counts): switch to it in place instead of reloading.
function tabLinks(show) {
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-tab-link]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    show(link.dataset.tabLink);
    document.getElementById("explore")?.scrollIntoView();
  });
}

// The graph scrolled into view (its tools and status above it), after a click far down the page.
function revealGraph(root) {
  const panel = root.querySelector("[data-testid=panel-graph]");
  requestAnimationFrame(() => panel.scrollIntoView({ block: "start" }));
}

main();
