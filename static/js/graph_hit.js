// Which edge a click or hover on the graph means: the visible edge whose line passes nearest the
// pointer. Cytoscape prefers an arrowhead over a nearer line, so a click on the middle of one
// edge could open another one ending close by.
const STEPS = 16;

function segmentDistance(p, a, b) {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / len)) : 0;
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}

// The edge's line as points: a quadratic curve through each control point, or straight.
function path(edge) {
  const from = edge.sourceEndpoint();
  const to = edge.targetEndpoint();
  const controls = edge.controlPoints();
  if (!controls || controls.length !== 1) return [from, ...(controls || []), to];
  const c = controls[0];
  const out = [];
  for (let k = 0; k <= STEPS; k++) {
    const t = k / STEPS;
    const u = 1 - t;
    out.push({ x: u * u * from.x + 2 * u * t * c.x + t * t * to.x, y: u * u * from.y + 2 * u * t * c.y + t * t * to.y });
  }
  return out;
}

export function distance(edge, p) {
  const pts = path(edge);
  let best = Infinity;
  for (let k = 0; k + 1 < pts.length; k++) best = Math.min(best, segmentDistance(p, pts[k], pts[k + 1]));
  return best;
}

// The nearest visible edge to model position p, or `fallback` when none is nearer.
export function nearestEdge(cy, p, fallback) {
  let best = fallback;
  let bestD = fallback ? distance(fallback, p) : Infinity;
  cy.edges().forEach((edge) => {
    if (!edge.visible() || edge.same(fallback)) return;
    const d = distance(edge, p);
    if (d < bestD) {
      best = edge;
      bestD = d;
    }
  });
  return best;
}
