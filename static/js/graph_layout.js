// A deterministic layout, instant for a thousand endpoints: namespaces as boxes packed in shelves,
// each box's members on a grid whose cells are as wide as its longest label (so labels never
// collide), staggered (so a row's or column's edges do not run through its nodes);
// addresses outside the cluster in one column at the right, where their edges stay out of the way.
const CELL_H = 58;
const MIN_W = 70;
const MAX_W = 210;
const GAP = 70; // between namespace boxes
const FOLDED_GAP = 34; // between folded namespaces, which are small boxes with a name
const CHAR_W = 6.2; // of the 10 px label font, near enough to keep labels apart

const labelWidth = (text) => Math.min(MAX_W, Math.max(MIN_W, text.length * CHAR_W + 26));

// blocks: [{ ids: [node id], labels: [text], widths: [px or null], outside: bool }] in drawing
// order; a width, where given, is the node's own (a folded namespace's box).
// aspect: width / height of the container. Returns { [id]: {x, y} }.
export function placeBlocks(blocks, aspect) {
  const inside = [];
  let outside = null;
  for (const b of blocks) {
    const w = Math.max(...b.labels.map((text, i) => (b.widths?.[i] ? b.widths[i] + 24 : labelWidth(text))));
    const n = b.ids.length;
    if (b.outside) {
      outside = { ...b, cw: w, cols: 1, rows: n };
      continue;
    }
    // Roughly square boxes, a little wider than tall.
    const cols = Math.max(1, Math.min(n, Math.round(Math.sqrt((n * CELL_H * 1.6) / w))));
    inside.push({ ...b, cw: w, cols, rows: Math.ceil(n / cols) });
  }
  // Only folded namespaces (a big review's first view): pack them closer, so names stay legible.
  const gap = inside.every((b) => b.ids.length === 1) ? FOLDED_GAP : GAP;
  const size = (b) => ({ w: b.cols * b.cw, h: b.rows * CELL_H + (b.cols > 1 ? CELL_H * 0.35 : 0) });
  const area = inside.reduce((sum, b) => sum + (size(b).w + gap) * (size(b).h + gap), 0);
  const width = Math.max(400, Math.sqrt(area * Math.max(0.6, aspect)) * 1.15);
  const positions = {};
  let x = 0;
  let y = 0;
  let shelf = 0;
  let right = 0;
  let k = 0; // index in the shelf: every other box a little lower, so edges pass between them
  for (const b of inside) {
    const { w, h } = size(b);
    if (x > 0 && x + w > width) {
      x = 0;
      y += shelf + gap;
      shelf = 0;
      k = 0;
    }
    const drop = k++ % 2 ? gap * 0.6 : 0;
    b.ids.forEach((id, k) => {
      const col = k % b.cols;
      const row = Math.floor(k / b.cols);
      // Odd columns a little lower, odd rows a little to the right: no three nodes in a line
      // along a row or a column, so an edge between two passes beside the one between them.
      const down = b.cols > 1 && col % 2 ? CELL_H * 0.35 : 0;
      const right = b.rows > 2 && row % 2 ? b.cw * 0.2 : 0;
      positions[id] = { x: x + col * b.cw + b.cw / 2 + right - (b.rows > 2 ? b.cw * 0.1 : 0), y: y + drop + row * CELL_H + CELL_H / 2 + down };
    });
    x += w + gap;
    right = Math.max(right, x);
    shelf = Math.max(shelf, h + drop);
  }
  if (outside) {
    const height = inside.length ? y + shelf : 0;
    // Spread over the cluster's height, at least one cell apart, centred on it.
    const step = Math.max(CELL_H, outside.rows > 1 ? Math.min(height, outside.rows * CELL_H * 2) / outside.rows : 0);
    const top = Math.max(0, (height - step * outside.rows) / 2);
    outside.ids.forEach((id, k) => {
      positions[id] = { x: right + gap + outside.cw / 2, y: top + k * step + step / 2 };
    });
  }
  return positions;
}
