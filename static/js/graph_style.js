// The graph's cytoscape style, read from the page's CSS colours (light or dark), and the shape
// each kind of workload is drawn with, so a label needs no `[Deployment]`.
export const KIND_SHAPES = {
  Deployment: "ellipse",
  StatefulSet: "barrel",
  DaemonSet: "hexagon",
  ReplicaSet: "octagon",
  ReplicationController: "octagon",
  Job: "round-triangle",
  CronJob: "round-triangle",
  Pod: "round-rectangle",
};
export const OTHER_SHAPE = "round-pentagon";
export const shapeOf = (kind) => KIND_SHAPES[kind] ?? OTHER_SHAPE;

export function graphStyle(el) {
  const css = getComputedStyle(el);
  const v = (name) => css.getPropertyValue(name).trim();
  const fg = v("--fg");
  const label = { color: fg, "text-background-color": v("--panel"), "text-background-opacity": 0.85, "text-background-padding": 1, "text-background-shape": "round-rectangle" };
  return [
    { selector: "node", style: { label: "data(label)", ...label, "font-size": 10, "text-valign": "bottom", "text-margin-y": 3, "background-color": v("--accent"), width: 16, height: 16, shape: "data(shape)", "min-zoomed-font-size": 6 } },
    { selector: "node.external", style: { "background-color": v("--muted"), width: 20, height: 20 } },
    { selector: "node.ns", style: { shape: "round-rectangle", "z-compound-depth": "bottom", "background-color": v("--bg"), "background-opacity": 0.6, "border-color": v("--line"), "border-width": 1, "text-valign": "top", "text-margin-y": -2, "font-weight": "bold", "font-size": 12, padding: 14 } },
    { selector: "node.ns.outside", style: { "border-style": "dashed" } },
    // A folded namespace is a node like an endpoint: above the edges, which pass under its name.
    { selector: "node.folded", style: { "z-compound-depth": "auto", "background-opacity": 1, shape: "round-rectangle", "background-color": v("--panel"), "border-width": 2, "border-color": v("--accent"), width: "data(w)", height: "mapData(size, 1, 200, 30, 70)", "text-valign": "center", "font-size": 13 } },
    // The cluster's own edges above the bundles to and from outside, which are drawn fainter.
    // Each edge bows a little to its right: the two directions of a pair apart, and a line between
    // two nodes passes beside, not through, a third one in line with them.
    { selector: "edge", style: { width: 1.6, "curve-style": "unbundled-bezier", "control-point-distances": 14, "control-point-weights": 0.5, "target-arrow-shape": "triangle", "arrow-scale": 0.8, "line-color": v("--all"), "target-arrow-color": v("--all"), opacity: 0.8, "z-index": 2 } },
    { selector: "edge.some", style: { "line-style": "dashed", "line-color": v("--some"), "target-arrow-color": v("--some") } },
    { selector: "edge.many", style: { width: "mapData(count, 1, 200, 2, 7)" } },
    { selector: "edge.admin-accept", style: { "line-color": v("--accept"), "target-arrow-color": v("--accept"), "target-arrow-shape": "diamond" } },
    // Denied by an admin rule (drawn only for the selected endpoint): purple, dashed, a bar for
    // an arrow head and ✕ on the line, so it reads apart from the red "reaches it" edges.
    { selector: "edge.admin-deny", style: { ...label, label: "data(xlabel)", color: v("--deny"), "font-size": 12, "font-weight": "bold", "line-style": "dashed", "line-dash-pattern": [5, 4], width: 2.2, "line-color": v("--deny"), "target-arrow-color": v("--deny"), "target-arrow-shape": "tee", opacity: 1, "z-index": 3 } },
    { selector: "edge.outward", style: { "curve-style": "straight", opacity: 0.45, "z-index": 1 } },
    { selector: "edge.bundle", style: { width: "mapData(count, 1, 100, 2.5, 8)", label: "data(count)", "font-size": 9, ...label, "text-rotation": "autorotate" } },
    // Edges inside a bundle show only while highlighted or under the keyboard cursor.
    { selector: "edge.bundled", style: { display: "none" } },
    { selector: "edge.bundled.out, edge.bundled.in, edge.bundled.permitted, edge.bundled.cursor, edge.bundled.shown", style: { display: "element" } },
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
    { selector: "edge.out, edge.permitted", style: { width: 2.5, opacity: 1, "line-color": v("--accent"), "target-arrow-color": v("--accent"), "z-index": 3 } },
    { selector: "edge.in", style: { width: 2.5, opacity: 1, "line-color": v("--bad"), "target-arrow-color": v("--bad"), "z-index": 3 } },
    // The keyboard cursor: a halo and a thick line, so it does not rest on colour alone.
    { selector: "node.cursor", style: { "underlay-color": v("--focus"), "underlay-opacity": 0.55, "underlay-padding": 9, "underlay-shape": "ellipse", "font-weight": "bold", opacity: 1 } },
    { selector: "edge.cursor", style: { width: 6, opacity: 1, "underlay-color": v("--focus"), "underlay-opacity": 0.45, "underlay-padding": 4, "z-index": 4 } },
  ];
}
