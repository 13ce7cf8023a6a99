// Matrix view: rows are sources, columns destinations, grouped by namespace with folding groups.
// Up to DOM_LIMIT endpoints a table whose cells carry data-src/data-dst/data-state; above, a
// canvas that draws only the cells in view and reports the cell under the pointer on a focus element.
const DOM_LIMIT = 150;
const STATES = ["none", "some", "all"];
const SYMBOLS = ["·", "◐", "●"];
const WORDS = ["denied", "allowed on some ports", "allowed on every port"];
// Tiered input only: pairs an Admin/Baseline rule decided get their own mark (see the legend).
const VERDICT_SYMBOLS = { "admin-deny": "✕", "admin-accept": "★" };
const VERDICT_WORDS = { "admin-deny": "denied by an admin rule", "admin-accept": "allowed by an admin Accept over NetworkPolicy isolation" };

function groupsOf(model, members) {
  const byGroup = new Map();
  for (const i of members) {
    const g = model.nodes[i][1];
    if (!byGroup.has(g)) byGroup.set(g, []);
    byGroup.get(g).push(i);
  }
  // Namespaces in their order, addresses outside the cluster last.
  return [...byGroup.keys()].sort((a, b) => (a < 0) - (b < 0) || a - b).map((g) => ({ g, members: byGroup.get(g) }));
}

// One line per folded group, or a heading line then one per member.
function itemsOf(groups, folded) {
  const items = [];
  for (const group of groups) {
    if (folded.has(group.g)) items.push({ kind: "group", group, members: group.members });
    else {
      items.push({ kind: "head", group, members: [] });
      for (const i of group.members) items.push({ kind: "node", group, members: [i], i });
    }
  }
  return items;
}

function aggregate(model, rowMembers, colMembers) {
  let any = false;
  let every = true;
  for (const s of rowMembers) {
    for (const d of colMembers) {
      const st = model.state(s, d);
      if (st > 0) any = true;
      if (st < 2) every = false;
      if (any && !every) return 1;
    }
  }
  return any ? (every ? 2 : 1) : 0;
}

// A cell's state: a big review's namespace × namespace cell as the server aggregated it (its
// edges may not be fetched), every other one from the pairs.
function cellAggregate(model, row, col) {
  if (model.lazy && row.kind === "group" && col.kind === "group") return model.block(row.group.g, col.group.g)[0];
  return aggregate(model, row.members, col.members);
}

function shortName(model, i) {
  const [id, g] = model.nodes[i];
  return g < 0 ? model.nodes[i][2] : id.slice(id.indexOf("/") + 1);
}

function describe(model, row, col) {
  if (row.kind === "node" && col.kind === "node") {
    const s = row.i;
    const d = col.i;
    const verdict = model.verdict ? model.verdict(s, d) : null;
    return `${model.nodes[s][2]} → ${model.nodes[d][2]}: ${model.portsText(s, d)}${verdict ? ` (${VERDICT_WORDS[verdict]})` : ""}`;
  }
  const name = (item) => (item.kind === "node" ? model.nodes[item.i][2] : `${model.groupName(item.group.g)} (${item.members.length})`);
  const st = cellAggregate(model, row, col);
  let more = st === 1 ? " (some pairs or ports)" : "";
  if (model.lazy && row.kind === "group" && col.kind === "group" && st > 0) {
    const [, allowed, , port] = model.block(row.group.g, col.group.g);
    const pairs = row.members.length * col.members.length;
    more = ` (${allowed} of ${pairs} pairs${port >= 0 ? `, ${model.data.ports[port][0]}` : ""})`;
  }
  return `${name(row)} → ${name(col)}: ${WORDS[st]}${more}`;
}

function setFocus(focusEl, model, row, col) {
  if (!row || !col || row.kind === "head" || col.kind === "head") {
    focusEl.textContent = "";
    for (const key of ["src", "dst", "state", "verdict"]) delete focusEl.dataset[key];
    return;
  }
  const st = row.kind === "node" && col.kind === "node" ? model.state(row.i, col.i) : cellAggregate(model, row, col);
  focusEl.dataset.state = STATES[st];
  const verdict = row.kind === "node" && col.kind === "node" && model.verdict ? model.verdict(row.i, col.i) : null;
  if (verdict) focusEl.dataset.verdict = verdict;
  else delete focusEl.dataset.verdict;
  focusEl.dataset.src = row.kind === "node" ? model.nodes[row.i][0] : `namespace:${model.groupName(row.group.g)}`;
  focusEl.dataset.dst = col.kind === "node" ? model.nodes[col.i][0] : `namespace:${model.groupName(col.group.g)}`;
  focusEl.textContent = describe(model, row, col);
}

export function mountMatrix(el, focusEl, model, view, hooks) {
  for (const legend of document.querySelectorAll("[data-tiered-legend]")) legend.hidden = !(model.data.verdicts && model.data.verdicts.length);
  const rowGroups = groupsOf(model, view.rows);
  const colGroups = groupsOf(model, view.cols);
  const big = Math.max(view.rows.length, view.cols.length) > DOM_LIMIT;
  // Big reviews start folded when there are many groups, so the first screen shows the overview.
  const folded = new Set();
  if (big && rowGroups.length > 1 && view.rows.length > 1000) rowGroups.forEach((grp) => folded.add(grp.g));
  if (model.lazy && folded.size) colGroups.forEach((grp) => folded.add(grp.g));
  const state = { folded, rowGroups, colGroups };
  if (!view.rows.length || !view.cols.length) {
    const p = document.createElement("p");
    p.dataset.testid = "matrix-empty";
    p.textContent = "No endpoint matches these filters.";
    el.replaceChildren(p);
    el.dataset.drawn = "true";
    return;
  }
  const draw = big ? drawCanvas : drawTable;
  let draws = 0;
  const paint = () => {
    const focused = big && el.contains(document.activeElement);
    draw(el, focusEl, model, state, hooks, redraw);
    if (focused) el.querySelector(".matrix-canvas-wrap")?.focus();
    el.dataset.draws = String(++draws);
  };
  // A big review fetches the edges of the namespaces it opens before drawing them.
  const redraw = () => {
    if (!model.lazy) return paint();
    const groups = new Set([...rowGroups, ...colGroups].map((grp) => grp.g));
    const need = [...groups].filter((g) => !state.folded.has(g) && !model.isLoaded(g));
    if (!need.length) return paint();
    el.setAttribute("aria-busy", "true");
    model.ensure(need).then(
      () => {
        el.removeAttribute("aria-busy");
        paint();
      },
      (error) => {
        el.removeAttribute("aria-busy");
        for (const g of need) state.folded.add(g);
        paint();
        focusEl.textContent = `Could not load that namespace (${error.message}).`;
      },
    );
  };
  redraw();
}

function pick(model, row, col, state, hooks, redraw) {
  if (row.kind === "node" && col.kind === "node") {
    hooks.pick(model.nodes[row.i][0], model.nodes[col.i][0]);
    return;
  }
  // A folded cell opens its groups instead.
  for (const item of [row, col]) if (item.kind === "group") state.folded.delete(item.group.g);
  redraw();
}

function toggleButton(model, group, folded) {
  const b = document.createElement("button");
  b.type = "button";
  b.dataset.toggle = String(group.g);
  b.dataset.testid = "matrix-group";
  b.setAttribute("aria-expanded", folded ? "false" : "true");
  b.textContent = `${folded ? "▸" : "▾"} ${model.groupName(group.g)} (${group.members.length})`;
  return b;
}

function drawTable(el, focusEl, model, state, hooks, redraw) {
  const rows = itemsOf(state.rowGroups, state.folded);
  const cols = itemsOf(state.colGroups, state.folded).filter((c) => c.kind !== "head");
  const table = document.createElement("table");
  table.className = "matrix";
  table.setAttribute("role", "grid");
  table.setAttribute("aria-label", "Connectivity matrix: rows are sources, columns destinations");
  const head = table.createTHead();
  const top = head.insertRow();
  const corner = document.createElement("th");
  corner.className = "corner";
  corner.rowSpan = 2;
  corner.textContent = "from ↓ to →";
  top.append(corner);
  for (const group of state.colGroups) {
    const th = document.createElement("th");
    th.className = "group";
    th.colSpan = state.folded.has(group.g) ? 1 : group.members.length;
    th.append(toggleButton(model, group, state.folded.has(group.g)));
    top.append(th);
  }
  const names = head.insertRow();
  for (const col of cols) {
    const th = document.createElement("th");
    th.className = "col";
    th.scope = "col";
    th.textContent = col.kind === "node" ? shortName(model, col.i) : `all ${col.members.length}`;
    th.title = col.kind === "node" ? model.nodes[col.i][2] : model.groupName(col.group.g);
    names.append(th);
  }
  const body = table.createTBody();
  rows.forEach((row) => {
    const tr = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    if (row.kind === "node") {
      th.textContent = shortName(model, row.i);
      th.title = model.nodes[row.i][2];
    } else {
      th.className = "group";
      th.append(toggleButton(model, row.group, row.kind === "group"));
    }
    tr.append(th);
    if (row.kind === "head") {
      const td = tr.insertCell();
      td.colSpan = cols.length;
      td.className = "groupfill";
      td.tabIndex = -1;
      return;
    }
    for (const col of cols) {
      const td = tr.insertCell();
      const single = row.kind === "node" && col.kind === "node";
      const st = single ? model.state(row.i, col.i) : cellAggregate(model, row, col);
      td.className = STATES[st] + (single && row.i === col.i ? " self" : "");
      td.dataset.state = STATES[st];
      const verdict = single && model.verdict ? model.verdict(row.i, col.i) : null;
      if (verdict) {
        td.dataset.verdict = verdict;
        td.classList.add(verdict);
      }
      if (single) {
        td.dataset.src = model.nodes[row.i][0];
        td.dataset.dst = model.nodes[col.i][0];
      } else {
        td.dataset.srcGroup = row.kind === "node" ? model.nodes[row.i][0] : model.groupName(row.group.g);
        td.dataset.dstGroup = col.kind === "node" ? model.nodes[col.i][0] : model.groupName(col.group.g);
      }
      td.textContent = verdict ? VERDICT_SYMBOLS[verdict] : SYMBOLS[st];
      td.title = describe(model, row, col);
      td.tabIndex = -1;
      td.setAttribute("role", "gridcell");
      td.setAttribute("aria-label", td.title);
      td._cell = [row, col];
    }
  });
  const first = body.querySelector("td[role=gridcell]");
  if (first) first.tabIndex = 0;
  table.addEventListener("click", (event) => {
    const button = event.target.closest("[data-toggle]");
    if (button) {
      const g = Number(button.dataset.toggle);
      if (state.folded.has(g)) state.folded.delete(g);
      else state.folded.add(g);
      redraw();
      el.querySelector(`[data-toggle="${g}"]`)?.focus();
      return;
    }
    const td = event.target.closest("td[role=gridcell]");
    if (td) pick(model, td._cell[0], td._cell[1], state, hooks, redraw);
  });
  const hover = (event) => {
    const td = event.target.closest("td[role=gridcell]");
    if (td) setFocus(focusEl, model, td._cell[0], td._cell[1]);
  };
  table.addEventListener("mouseover", hover);
  table.addEventListener("focusin", hover);
  table.addEventListener("keydown", (event) => {
    const td = event.target.closest("td[role=gridcell]");
    if (!td) return;
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      pick(model, td._cell[0], td._cell[1], state, hooks, redraw);
      return;
    }
    const move = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] }[event.key];
    if (!move) return;
    event.preventDefault();
    const tr = td.parentElement;
    const trs = [...body.rows].filter((r) => r.querySelector("td[role=gridcell]"));
    const r = trs.indexOf(tr) + move[0];
    const c = td.cellIndex + move[1];
    const next = trs[Math.max(0, Math.min(trs.length - 1, r))]?.cells[Math.max(1, c)];
    if (next && next.getAttribute("role") === "gridcell") {
      td.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    }
  });
  const wrap = document.createElement("div");
  wrap.className = "matrix-wrap";
  wrap.append(table);
  el.replaceChildren(wrap);
  el.dataset.mode = "table";
  el.dataset.drawn = "true";
}

const CELL = 14;
const LABEL_W = 230;
const HEAD_H = 150;

function colours(el) {
  const css = getComputedStyle(el);
  const v = (name) => css.getPropertyValue(name).trim();
  return {
    bg: v("--bg"), fg: v("--fg"), panel: v("--panel"), line: v("--line"), muted: v("--muted"),
    all: v("--all"), allBg: v("--all-bg"), some: v("--some"), someBg: v("--some-bg"), focus: v("--focus"),
  };
}

function drawCanvas(el, focusEl, model, state, hooks, redraw) {
  const rows = itemsOf(state.rowGroups, state.folded);
  const cols = itemsOf(state.colGroups, state.folded).filter((c) => c.kind !== "head");
  const wrap = document.createElement("div");
  wrap.className = "matrix-canvas-wrap";
  wrap.tabIndex = 0;
  wrap.setAttribute("role", "application");
  wrap.setAttribute("aria-label", "Connectivity matrix: arrow keys move, Enter explains or opens a namespace");
  const canvas = document.createElement("canvas");
  const spacer = document.createElement("div");
  spacer.style.width = `${LABEL_W + cols.length * CELL}px`;
  spacer.style.height = `${HEAD_H + rows.length * CELL}px`;
  spacer.style.marginTop = "0";
  wrap.append(canvas, spacer);
  el.replaceChildren(wrap);
  el.dataset.mode = "canvas";
  const c = colours(el);
  const ctx = canvas.getContext("2d");
  const memo = new Map();
  const cellState = (r, k) => {
    const row = rows[r];
    const col = cols[k];
    if (row.kind === "head") return -1;
    if (row.kind === "node" && col.kind === "node") return model.state(row.i, col.i);
    const key = r * 100003 + k;
    if (!memo.has(key)) memo.set(key, cellAggregate(model, row, col));
    return memo.get(key);
  };
  const cursor = { r: rows.findIndex((x) => x.kind !== "head"), k: 0 };
  let frame = 0;
  const paint = () => {
    frame = 0;
    const w = wrap.clientWidth;
    const h = wrap.clientHeight;
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== w * dpr || canvas.height !== h * dpr) {
      canvas.width = w * dpr;
      canvas.height = h * dpr;
      canvas.style.width = `${w}px`;
      canvas.style.height = `${h}px`;
      // The sticky canvas takes room in the flow; pull the spacer back under it.
      spacer.style.marginTop = `${-h}px`;
    }
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const x0 = wrap.scrollLeft;
    const y0 = wrap.scrollTop;
    ctx.fillStyle = c.bg;
    ctx.fillRect(0, 0, w, h);
    const k0 = Math.floor(x0 / CELL);
    const k1 = Math.min(cols.length, Math.ceil((x0 + w - LABEL_W) / CELL) + 1);
    const r0 = Math.floor(y0 / CELL);
    const r1 = Math.min(rows.length, Math.ceil((y0 + h - HEAD_H) / CELL) + 1);
    for (let r = r0; r < r1; r++) {
      const y = HEAD_H + r * CELL - y0;
      if (rows[r].kind === "head") {
        ctx.fillStyle = c.panel;
        ctx.fillRect(LABEL_W, y, w, CELL);
        continue;
      }
      for (let k = k0; k < k1; k++) {
        const st = cellState(r, k);
        const x = LABEL_W + k * CELL - x0;
        const row = rows[r];
        const col = cols[k];
        const verdict = model.verdict && row.kind === "node" && col.kind === "node" ? model.verdict(row.i, col.i) : null;
        if (verdict) {
          // Tiered input: the table's marks, ✕ denied by an admin rule, ★ admin Accept over isolation.
          ctx.fillStyle = verdict === "admin-deny" ? "#fbe3e3" : "#e3ecfb";
          ctx.fillRect(x, y, CELL, CELL);
          ctx.fillStyle = verdict === "admin-deny" ? "#a11" : "#1450a8";
          ctx.font = `bold ${CELL - 4}px sans-serif`;
          ctx.textAlign = "center";
          ctx.textBaseline = "middle";
          ctx.fillText(VERDICT_SYMBOLS[verdict], x + CELL / 2, y + CELL / 2 + 1);
        } else if (st > 0) {
          // Same shapes as the table's symbols: ● every port, ◐ some ports.
          ctx.fillStyle = st === 2 ? c.allBg : c.someBg;
          ctx.fillRect(x, y, CELL, CELL);
          ctx.fillStyle = st === 2 ? c.all : c.some;
          ctx.strokeStyle = c.some;
          ctx.beginPath();
          if (st === 2) ctx.arc(x + CELL / 2, y + CELL / 2, CELL / 2 - 3, 0, 2 * Math.PI);
          else ctx.arc(x + CELL / 2, y + CELL / 2, CELL / 2 - 3, Math.PI / 2, (3 * Math.PI) / 2);
          ctx.fill();
          if (st === 1) {
            ctx.beginPath();
            ctx.arc(x + CELL / 2, y + CELL / 2, CELL / 2 - 3, 0, 2 * Math.PI);
            ctx.stroke();
          }
        }
      }
    }
    ctx.strokeStyle = c.line;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let k = k0; k <= k1; k++) {
      const x = LABEL_W + k * CELL - x0 + 0.5;
      ctx.moveTo(x, HEAD_H);
      ctx.lineTo(x, h);
    }
    for (let r = r0; r <= r1; r++) {
      const y = HEAD_H + r * CELL - y0 + 0.5;
      ctx.moveTo(LABEL_W, y);
      ctx.lineTo(w, y);
    }
    ctx.stroke();
    // A draft's marks over the cells in view, drawn by draft_marks.js: [x, y, src, dst, single].
    if (el._marks) {
      const end = (item) => (item.kind === "node" ? model.nodes[item.i][0] : model.groupName(item.group.g));
      const cells = [];
      for (let r = r0; r < r1; r++) {
        if (rows[r].kind === "head") continue;
        for (let k = k0; k < k1; k++) cells.push([LABEL_W + k * CELL - x0, HEAD_H + r * CELL - y0, end(rows[r]), end(cols[k]), rows[r].kind === "node" && cols[k].kind === "node"]);
      }
      el._marks(ctx, CELL, cells);
    }
    if (cursor.r >= 0) {
      ctx.strokeStyle = c.focus;
      ctx.lineWidth = 2;
      ctx.strokeRect(LABEL_W + cursor.k * CELL - x0 + 1, HEAD_H + cursor.r * CELL - y0 + 1, CELL - 2, CELL - 2);
    }
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "middle";
    ctx.fillStyle = c.panel;
    ctx.fillRect(0, HEAD_H, LABEL_W, h);
    for (let r = r0; r < r1; r++) {
      const item = rows[r];
      const y = HEAD_H + r * CELL - y0 + CELL / 2;
      ctx.fillStyle = c.fg;
      ctx.font = item.kind === "node" ? "11px system-ui, sans-serif" : "bold 11px system-ui, sans-serif";
      const text = item.kind === "node" ? shortName(model, item.i) : `${state.folded.has(item.group.g) ? "▸" : "▾"} ${model.groupName(item.group.g)} (${item.group.members.length})`;
      ctx.textAlign = item.kind === "node" ? "right" : "left";
      ctx.fillText(text, item.kind === "node" ? LABEL_W - 6 : 4, y, LABEL_W - 10);
    }
    ctx.fillStyle = c.panel;
    ctx.fillRect(0, 0, w, HEAD_H);
    ctx.textAlign = "left";
    for (let k = k0; k < k1; k++) {
      const item = cols[k];
      const x = LABEL_W + k * CELL - x0 + CELL / 2;
      ctx.save();
      ctx.translate(x, HEAD_H - 4);
      ctx.rotate(-Math.PI / 2);
      ctx.fillStyle = c.fg;
      ctx.font = item.kind === "node" ? "11px system-ui, sans-serif" : "bold 11px system-ui, sans-serif";
      const text = item.kind === "node" ? shortName(model, item.i) : `${model.groupName(item.group.g)} (${item.members.length})`;
      ctx.fillText(text, 0, 0, HEAD_H - 8);
      ctx.restore();
    }
    ctx.fillStyle = c.panel;
    ctx.fillRect(0, 0, LABEL_W, HEAD_H);
    ctx.fillStyle = c.muted;
    ctx.fillText(`${rows.length} rows × ${cols.length} columns`, 6, HEAD_H - 26);
    ctx.fillText("from ↓   to →", 6, HEAD_H - 10);
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(paint);
  };
  const at = (event) => {
    const rect = wrap.getBoundingClientRect();
    const px = event.clientX - rect.left;
    const py = event.clientY - rect.top;
    const r = py > HEAD_H ? Math.floor((py - HEAD_H + wrap.scrollTop) / CELL) : -1;
    const k = px > LABEL_W ? Math.floor((px - LABEL_W + wrap.scrollLeft) / CELL) : -1;
    return { r: r < rows.length ? r : -1, k: k < cols.length ? k : -1, label: px <= LABEL_W };
  };
  const toggleRow = (r) => {
    const item = rows[r];
    if (item.kind === "node") return false;
    if (state.folded.has(item.group.g)) state.folded.delete(item.group.g);
    else state.folded.add(item.group.g);
    redraw();
    el.querySelector(".matrix-canvas-wrap")?.focus();
    return true;
  };
  wrap.addEventListener("scroll", schedule, { passive: true });
  // One resize listener for the element, whichever drawing is current.
  if (!el._resize) window.addEventListener("resize", () => el._resize());
  el._resize = schedule;
  wrap.addEventListener("mousemove", (event) => {
    const { r, k } = at(event);
    setFocus(focusEl, model, rows[r], cols[k]);
  });
  wrap.addEventListener("click", (event) => {
    const { r, k, label } = at(event);
    if (r >= 0 && label) toggleRow(r);
    else if (r >= 0 && k >= 0 && rows[r].kind !== "head") {
      cursor.r = r;
      cursor.k = k;
      schedule();
      pick(model, rows[r], cols[k], state, hooks, redraw);
    }
  });
  wrap.addEventListener("keydown", (event) => {
    const move = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] }[event.key];
    if (move) {
      event.preventDefault();
      cursor.r = Math.max(0, Math.min(rows.length - 1, cursor.r + move[0]));
      cursor.k = Math.max(0, Math.min(cols.length - 1, cursor.k + move[1]));
      const y = HEAD_H + cursor.r * CELL;
      const x = LABEL_W + cursor.k * CELL;
      if (y - wrap.scrollTop > wrap.clientHeight - CELL) wrap.scrollTop = y - wrap.clientHeight + CELL * 2;
      if (y - wrap.scrollTop < HEAD_H) wrap.scrollTop = Math.max(0, y - HEAD_H - CELL);
      if (x - wrap.scrollLeft > wrap.clientWidth - CELL) wrap.scrollLeft = x - wrap.clientWidth + CELL * 2;
      if (x - wrap.scrollLeft < LABEL_W) wrap.scrollLeft = Math.max(0, x - LABEL_W - CELL);
      setFocus(focusEl, model, rows[cursor.r], cols[cursor.k]);
      schedule();
    } else if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      if (!toggleRow(cursor.r)) pick(model, rows[cursor.r], cols[cursor.k], state, hooks, redraw);
    }
  });
  paint();
  el.dataset.drawn = "true";
}
