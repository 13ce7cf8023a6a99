// The graph by keyboard: a cursor over endpoints (by namespace, then id) and their edges, shown
// with class "cursor" and named in data-cursor (endpoint id, namespace name, or src→dst).
// ctx: { cy, el, status, rep(i), openNode(node), openEdge(edge), clear(), busy() }.
const byOrder = (a, b) => (a.data("order") < b.data("order") ? -1 : a.data("order") > b.data("order") ? 1 : 0);

export function keyboard(ctx) {
  const { cy, el, status } = ctx;
  const cursor = {
    node: null,
    edge: null,
    last: null, // the node to come back to after Escape
    place(node, edge, announce) {
      this.node = node;
      this.edge = edge;
      mark(announce);
    },
    mark,
    // After a redraw (folding or opening), the cursor moves to what now stands for its node: the
    // folded namespace of an endpoint, or the first endpoint of an opened namespace.
    resolve() {
      let id = this.node;
      if (!id) return;
      if (cy.getElementById(id).empty() && id.startsWith("n:")) id = ctx.rep(Number(id.slice(2)));
      const node = cy.getElementById(id);
      if (node.hasClass("ns") && !node.hasClass("folded")) id = walkable().find((n) => n.data("parent") === id)?.id() ?? null;
      this.node = id;
      mark(false);
    },
  };

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

  function mark(announce) {
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
        if (at.isEdge()) ctx.openEdge(at);
        else ctx.openNode(at);
        if (redraws) mark(true);
        break;
      }
      case "Escape":
        if (!node && !ctx.busy()) return;
        ctx.clear();
        cursor.last = cursor.node ?? cursor.last;
        cursor.place(null, null, false);
        status.textContent = "Highlight and keyboard cursor cleared.";
        break;
      default:
        return;
    }
    event.preventDefault();
  });
  return cursor;
}
