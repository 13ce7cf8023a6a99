// The selection in the address bar, so a copied URL opens exactly this view:
//   ?edge=<src slug>/<dst slug>  the pair explained in the side sheet (slugs as the edge page's,
//                                `ns~name~Kind`, or an address range `start-end`: no `/` in either)
//   ?node=<endpoint id>          the endpoint highlighted in the graph
//   ?policy=<ns/name>            the policy highlighted in the graph
// Written with history.replaceState as the selection changes; read once when the page opens.
// (`?draft=` belongs to draft.js.)

const SELECTION = ["edge", "node", "policy"];

// Sets (or with null, deletes) query parameters without a new history entry.
export function setParams(changes) {
  const url = new URL(window.location.href);
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === "") url.searchParams.delete(key);
    else url.searchParams.set(key, value);
  }
  if (url.href !== window.location.href) history.replaceState(history.state, "", url);
}

const clearSelection = () => setParams(Object.fromEntries(SELECTION.map((k) => [k, null])));

// ctx: { root, model, hooks, openEdge, show, edgeSlug, graph() } from review.js.
export function keepSelection(ctx) {
  const { root, model, hooks, edgeSlug } = ctx;
  const panel = root.querySelector("[data-testid=explanation-panel]");
  // The explained pair, from the panel itself: whoever opens or closes it.
  new MutationObserver(() => {
    if (!panel.hidden && panel.dataset.src && panel.dataset.dst) {
      setParams({ edge: `${edgeSlug(panel.dataset.src)}/${edgeSlug(panel.dataset.dst)}`, node: null, policy: null });
    } else if (panel.hidden) setParams({ edge: null });
  }).observe(panel, { attributes: true, attributeFilter: ["hidden", "data-src", "data-dst"] });
  const policy = hooks.policy;
  hooks.policy = (id) => {
    setParams({ policy: id, node: null, edge: null });
    policy(id);
  };
  const select = hooks.select;
  hooks.select = () => {
    setParams({ node: null, policy: null });
    select?.();
  };
  // An endpoint tapped in the graph (after select() above has cleared the old selection).
  let watched = null;
  const watchGraph = () => {
    const graph = ctx.graph();
    if (!graph || watched === graph) return;
    watched = graph;
    graph.cy.on("tap", "node", (event) => {
      const node = event.target;
      if (node.hasClass("ns")) return;
      setParams({ node: node.data("endpoint"), policy: null, edge: null });
    });
    graph.cy.on("tap", (event) => {
      if (event.target === graph.cy) clearSelection();
    });
  };
  root.addEventListener("netviz:graph", watchGraph);
  restore(ctx, watchGraph);
}

function restore(ctx, watchGraph) {
  const { model, hooks, openEdge, edgeSlug } = ctx;
  const params = new URLSearchParams(window.location.search);
  const bySlug = (slug) => model.nodes.find((node) => edgeSlug(node[0]) === slug)?.[0];
  const edge = params.get("edge");
  if (edge && edge.includes("/")) {
    const [a, b] = edge.split("/", 2);
    const src = bySlug(a);
    const dst = bySlug(b);
    if (src && dst) openEdge(src, dst);
    return;
  }
  const policy = params.get("policy");
  if (policy) {
    hooks.policy(policy);
    return;
  }
  const node = params.get("node");
  const index = node ? model.nodes.findIndex((n) => n[0] === node) : -1;
  if (index < 0) return;
  // The graph draws asynchronously: tap the node once it is there.
  ctx.whenGraph((graph) => {
    watchGraph();
    const el = graph.cy.getElementById(`n:${index}`);
    if (el.nonempty()) el.emit("tap");
    else setParams({ node: null });
  });
}
