// Tiered input: the pairs an admin rule (Admin or Baseline Deny) denied, which the graph has no
// edge for. When an endpoint is selected they are drawn to and from it as purple dashed lines
// marked ✕, while the legend's "show admin denials" box is ticked; they go with the selection.
// ctx: { cy, el, model, rep(i), shown (node indexes drawn), toggle (the checkbox or null) }.
export function denials(ctx) {
  const { cy, el, model } = ctx;
  const kinds = model.data.verdict_kinds || [];
  const deny = kinds.indexOf("admin-deny");
  let byNode = null; // node index → [[other index, outward]]
  let current = null; // the selected cytoscape node

  function index() {
    byNode = new Map();
    const shown = new Set(ctx.shown);
    for (const [s, d, k] of model.data.verdicts || []) {
      if (k !== deny || s === d || !shown.has(s) || !shown.has(d)) continue;
      if (!byNode.has(s)) byNode.set(s, []);
      if (!byNode.has(d)) byNode.set(d, []);
      byNode.get(s).push([d, true]);
      byNode.get(d).push([s, false]);
    }
  }

  function clear() {
    cy.remove(cy.edges(".admin-deny"));
    current = null;
    delete el.dataset.denials;
  }

  function draw() {
    cy.remove(cy.edges(".admin-deny"));
    const node = current;
    if (!node || !ctx.toggle?.checked || deny < 0) {
      delete el.dataset.denials;
      return;
    }
    if (!byNode) index();
    const i = node.data("index");
    // One line per end drawn (a folded namespace stands for its members), counted.
    const lines = new Map();
    for (const [other, outward] of byNode.get(i) || []) {
      const far = ctx.rep(other);
      if (far === node.id()) continue;
      const key = `${outward ? ">" : "<"}${far}`;
      if (!lines.has(key)) lines.set(key, { far, outward, members: [] });
      lines.get(key).members.push(other);
    }
    const elements = [];
    for (const [key, line] of lines) {
      const one = line.members.length === 1 && line.far.startsWith("n:");
      const other = one ? model.nodes[line.members[0]][0] : "";
      const me = model.nodes[i][0];
      elements.push({
        group: "edges",
        data: {
          id: `x:${node.id()}${key}`,
          source: line.outward ? node.id() : line.far,
          target: line.outward ? line.far : node.id(),
          count: line.members.length,
          xlabel: line.members.length > 1 ? `✕ ${line.members.length}` : "✕",
          verdict: "admin-deny",
          src: one ? (line.outward ? me : other) : "",
          dst: one ? (line.outward ? other : me) : "",
        },
        classes: "admin-deny",
      });
    }
    cy.add(elements);
    for (const line of lines.values()) cy.getElementById(line.far).removeClass("faded").ancestors().removeClass("faded");
    // For scripts and tests: `src>dst` of each line drawn (ids of the ends as shown).
    el.dataset.denials = elements.map((e) => `${e.data.source}>${e.data.target}`).join(" ");
  }

  ctx.toggle?.addEventListener("change", draw);
  return {
    // After the highlighter lit `node`: its denials on top.
    show(node) {
      current = node.data("index") === undefined ? null : node;
      draw();
    },
    clear,
  };
}
