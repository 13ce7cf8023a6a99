// What the graph lights up: exposure colours, a blast radius by hop, a policy's endpoints and
// edges, one endpoint's edges. ctx: { cy, el, model, groups, rep(i), status, colorSelect,
// exposureLegend, hopLegend, exposureUrl }.
import { plural } from "./words.js";

// netviz.findings LEVELS, least exposed first; a letter each so the level does not rest on colour.
const LEVELS = ["none", "namespace", "cluster", "any-namespace", "external"];
const LETTER = { none: "–", namespace: "N", cluster: "C", "any-namespace": "A", external: "E" };
const EXPOSURE_CLASSES = ["exp", ...LEVELS.map((l) => `exp-${l}`)].join(" ");
const HOP_CLASSES = "hop hop-1 hop-2 hop-3";
const LIT = "faded chosen out in selected-by permitted shown";

export function highlighter(ctx) {
  const { cy, el, model, status } = ctx;
  let colour = "none";
  let levels = null; // level index per node index, once fetched
  let blast = null; // { origin: node index, hops: Map node index → hop }

  // Endpoint nodes and folded namespaces, each with the node indexes it stands for.
  function paintable(callback) {
    cy.nodes().forEach((node) => {
      if (node.hasClass("folded")) callback(node, ctx.groups.get(node.data("ns")).members);
      else if (!node.hasClass("ns")) callback(node, [node.data("index")]);
    });
  }

  // Exposure colours and the blast radius by hop; survives a redraw (folding and opening).
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
    ctx.exposureLegend.hidden = el.dataset.color !== "exposure";
    ctx.hopLegend.hidden = !blast;
  }

  function clear() {
    const had = blast;
    blast = null;
    delete el.dataset.blast;
    delete el.dataset.hops;
    delete el.dataset.policy;
    delete el.dataset.bundle;
    cy.elements().removeClass(LIT);
    if (had) paint();
  }

  async function fetchLevels() {
    const response = await fetch(ctx.exposureUrl, { headers: { Accept: "application/json" } });
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
    ctx.colorSelect.value = colour;
    if (colour === "exposure" && !levels) {
      el.dataset.color = "loading";
      try {
        levels = await fetchLevels();
      } catch (error) {
        status.textContent = `Could not load the exposure levels (${error.message}).`;
        colour = "none";
        ctx.colorSelect.value = colour;
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

  // Fade everything but `edges`, their ends and the boxes around them.
  function only(edges, nodes) {
    cy.elements().addClass("faded");
    const ends = edges.connectedNodes().union(nodes);
    edges.removeClass("faded");
    ends.removeClass("faded");
    ends.ancestors().removeClass("faded");
  }

  return {
    paint,
    clear,
    setColour,
    busy: () => Boolean(blast) || cy.elements(".faded").length > 0,
    // One endpoint: what it reaches in blue, what reaches it in red (bundled edges shown).
    node(node) {
      clear();
      const out = node.outgoers("edge");
      const inn = node.incomers("edge");
      only(out.union(inn), node);
      node.addClass("chosen");
      out.addClass("out");
      inn.addClass("in");
      status.textContent = `${node.data("endpoint")} reaches ${out.length} and is reached by ${inn.length} (blue: what it reaches, red: what reaches it).`;
    },
    // A bundle: the edges it stands for, shown, with the endpoints at their cluster end.
    bundle(edge) {
      clear();
      const members = cy.edges().filter((e) => e.data("bundle") === edge.id());
      only(members, cy.collection());
      members.addClass("shown");
      el.dataset.bundle = edge.id();
      const names = members.map((e) => (e.source().hasClass("external") ? e.target() : e.source()).data("label"));
      const outward = edge.target().hasClass("external") || edge.target().hasClass("outside");
      status.textContent = `${plural(members.length, "endpoint")} of ${edge.data("nsname")} ${outward ? "reach" : "are reached from"} ${edge.data("far")}: ${names.join(", ")}. Click one of the lines for why.`;
    },
    // A blast radius: the origin, and [endpoint id, hops] of every endpoint reached from it (or
    // reaching it), lit by hop; the hops also listed in data-hops as `id:hop` for scripts.
    nodes(origin, reached) {
      clear();
      const index = new Map(model.nodes.map((node, i) => [node[0], i]));
      const hops = new Map();
      for (const [id, hop] of reached) if (index.has(id)) hops.set(index.get(id), hop);
      blast = { origin: index.get(origin), hops };
      paint();
      const most = Math.max(0, ...reached.map(([, hop]) => hop));
      status.textContent = `Blast radius of ${origin}: ${plural(reached.length, "endpoint")} within ${plural(most, "hop")}, lit by hop.`;
      el.dataset.blast = origin;
      el.dataset.hops = reached.map(([id, hop]) => `${id}:${hop}`).join(" ");
    },
    // Endpoints the policy selects, and the edges whose grants name it.
    policy(index) {
      clear();
      const [id, selects] = model.data.policies[index];
      const sets = new Set();
      model.data.policysets.forEach((set, k) => {
        if (set.includes(index)) sets.add(k);
      });
      const permitted = cy.edges().filter((edge) => (edge.data("policysets") || []).some((k) => sets.has(k)));
      const chosen = cy.collection();
      for (const i of selects) chosen.merge(cy.getElementById(ctx.rep(i)));
      only(permitted, chosen);
      chosen.addClass("selected-by");
      permitted.addClass("permitted");
      status.textContent = `${id} selects ${plural(selects.length, "endpoint")} and permits ${permitted.length} of the edges shown.`;
      el.dataset.policy = id;
    },
  };
}
