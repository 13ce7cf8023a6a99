// From a verdict to a change: "Allow this" on a denied pair and "Block this" on an allowed one,
// at the foot of the explanation panel (allow.json, block.json), and "Generate least privilege"
// for a namespace or the whole review (generate.json, or generate-keep.json once connections
// are unticked), with its re-evaluation check beside the download. Words here, data from
// netviz.whatif.
import { onPorts } from "./draft_marks.js";

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-") || k.startsWith("aria-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  if (text) e.textContent = text;
  return e;
}

const plural = (n, word) => `${n} ${n === 1 ? word : word.endsWith("y") ? `${word.slice(0, -1)}ies` : `${word}s`}`;

async function getJson(url, init = {}) {
  const response = await fetch(url, { headers: { Accept: "application/json", ...(init.headers || {}) }, ...init });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

// A list of pairs (src → dst: ports) with a test id, at most `limit` shown.
function pairList(entries, testid, limit = 50) {
  const ul = el("ul", { "data-testid": testid });
  for (const e of entries.slice(0, limit)) {
    ul.append(el("li", { "data-src": e.src, "data-dst": e.dst }, `${e.src} → ${e.dst}: ${e.ports_text}`));
  }
  if (entries.length > limit) ul.append(el("li", { class: "hint" }, `… and ${entries.length - limit} more`));
  return ul;
}

// ctx: { root, section, config, model, addFile(stem, text, title) } from draft.js.
export function whatif(ctx) {
  const { root, config } = ctx;
  const panel = root.querySelector("[data-testid=explanation-panel]");
  const asked = () => {
    const params = new URLSearchParams(window.location.search);
    const out = {};
    if (params.get("protocol")) out.protocol = params.get("protocol");
    if (params.get("port")) out.port = params.get("port");
    return out;
  };

  function addTools(section) {
    if (section.querySelector("[data-testid=whatif]")) return;
    const box = el("section", { class: "whatif", "data-testid": "whatif" });
    const allowed = section.dataset.allowed === "true";
    const button = el("button", { type: "button", "data-testid": allowed ? "block-this" : "allow-this" }, allowed ? "Block this" : "Allow this");
    const out = el("div", { "data-whatif-out": "" });
    box.append(el("h2", {}, "What if"), button, out);
    button.addEventListener("click", () => (allowed ? block : allow)(section.dataset.src, section.dataset.dst, out, button));
    const link = section.querySelector("[data-testid=edge-link]")?.closest("p");
    if (link) link.before(box);
    else section.append(box);
  }
  new MutationObserver(() => {
    const section = panel.querySelector("[data-testid=explanation]");
    if (section) addTools(section);
  }).observe(panel.querySelector("[data-panel-body]"), { childList: true });

  async function allow(src, dst, out, button) {
    button.disabled = true;
    out.replaceChildren(el("p", { class: "hint" }, "Working out the smallest change …"));
    let p;
    try {
      p = await getJson(`${config.allow_url}?${new URLSearchParams({ src, dst, ...asked() })}`);
    } catch (error) {
      out.replaceChildren(el("p", { class: "hint" }, `Could not propose a change (${error.message}).`));
      button.disabled = false;
      return;
    }
    button.disabled = false;
    out.replaceChildren();
    out.dataset.status = p.status;
    if (p.status === "already-allowed") {
      out.append(el("p", { "data-testid": "allow-status" }, `Already allowed on ${onPorts(p.allowed_after_text)}.`));
      return;
    }
    if (p.status === "impossible") {
      out.append(el("p", { "data-testid": "allow-status" }, "No NetworkPolicy rule can open this:"));
      const ul = el("ul");
      for (const b of p.blockers) ul.append(el("li", {}, typeof b === "string" ? b : JSON.stringify(b)));
      out.append(ul);
      return;
    }
    out.append(el("p", { "data-testid": "allow-status" }, `${plural(p.changes.length, "new policy")} allow${p.changes.length === 1 ? "s" : ""} ${p.asked_text === "All Connections" ? "it" : p.asked_text}; afterwards allowed on ${onPorts(p.allowed_after_text)}.`));
    for (const c of p.changes) out.append(el("p", { class: "hint" }, `${c.direction} of ${c.selects.join(", ")}: ${c.namespace}/${c.name}`));
    out.append(el("pre", { "data-testid": "allow-yaml" }, p.yaml));
    out.append(el("p", {}, p.opened.length ? `It would also open ${plural(p.opened.length, "other pair")}:` : "It opens nothing else."));
    if (p.opened.length) out.append(pairList(p.opened, "allow-opened"));
    if (p.closed.length) {
      out.append(el("p", {}, `and close ${plural(p.closed.length, "pair")}:`));
      out.append(pairList(p.closed, "allow-closed"));
    }
    const add = el("button", { type: "button", "data-testid": "allow-add" }, "Add to draft");
    add.addEventListener("click", () => {
      const name = p.changes[0]?.name ?? "allow";
      ctx.addFile(`${p.changes[0]?.namespace ?? "draft"}-${name}`, p.yaml, `Allow ${src} → ${dst}`);
      add.disabled = true;
      add.textContent = "Added to the draft";
    });
    out.append(add);
  }

  async function block(src, dst, out, button) {
    button.disabled = true;
    out.replaceChildren(el("p", { class: "hint" }, "Finding the rules that allow it …"));
    let plan;
    try {
      plan = await getJson(`${config.block_url}?${new URLSearchParams({ src, dst, ...asked() })}`);
    } catch (error) {
      out.replaceChildren(el("p", { class: "hint" }, `Could not work it out (${error.message}).`));
      button.disabled = false;
      return;
    }
    button.disabled = false;
    out.replaceChildren();
    if (!plan.is_allowed) {
      out.append(el("p", { "data-testid": "block-status" }, "Already denied."));
      return;
    }
    out.append(el("p", { "data-testid": "block-status" }, `Allowed on ${onPorts(plan.allowed_text)}. To close it, change one side:`));
    for (const side of plan.sides) {
      const part = el("div", { "data-testid": "block-side", "data-direction": side.direction });
      const who = side.direction === "egress" ? `Egress of ${side.subject}` : `Ingress of ${side.subject}`;
      if (!side.isolated) {
        part.append(el("p", {}, `${who}: not isolated, so every ${side.direction} is allowed; a policy selecting it would have to be added (a default deny).`));
        out.append(part);
        continue;
      }
      part.append(el("p", {}, `${who}: ${plural(side.rules.length, "rule")} allow${side.rules.length === 1 ? "s" : ""} it.`));
      const ul = el("ul");
      for (const r of side.rules) {
        const li = el("li", { "data-testid": "block-rule", "data-policy": r.rule.policy });
        li.append(`${r.rule.policy}, ${r.rule.direction} rule ${r.rule.rule_index} (${r.rule.file}:${r.rule.line}) allows ${r.ports_text}; `);
        li.append(r.blocks ? "removing it closes this pair" : `removing it leaves ${r.left_text} open (other rules allow that)`);
        li.append(r.closes.length ? `, and also closes ${plural(r.closes.length, "other pair")}:` : ", and closes nothing else.");
        if (r.closes.length) li.append(pairList(r.closes, "block-closes"));
        ul.append(li);
      }
      part.append(ul);
      out.append(part);
    }
  }

  generator(ctx);
}

// "Generate least privilege": a scope, the connections allowed now (all ticked), DNS kept.
function generator(ctx) {
  const { section, config, model } = ctx;
  const toggle = section.querySelector("[data-draft-generate-toggle]");
  const target = section.querySelector("[data-generate-target]");
  let built = false;
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    if (open && !built) build();
    target.hidden = !open;
  });

  function build() {
    built = true;
    const box = el("div", { class: "generate", "data-testid": "generate" });
    const form = el("form", { class: "filters" });
    const scope = el("select", { name: "ns", "data-testid": "generate-ns" });
    scope.append(el("option", { value: "" }, "the whole review"), ...model.namespaces.map((n) => el("option", { value: n }, n)));
    const dns = el("input", { type: "checkbox", name: "dns", checked: true, "data-testid": "generate-dns" });
    const dnsLabel = el("label");
    dnsLabel.append(dns, " keep DNS egress (kube-dns, port 53)");
    const scopeLabel = el("label", {}, "For ");
    scopeLabel.append(scope);
    form.append(scopeLabel, dnsLabel, el("button", { type: "submit", "data-testid": "generate-run" }, "Generate"));
    const out = el("div", { "data-generate-out": "" });
    box.append(form, out);
    target.replaceChildren(box);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      run(scope.value, dns.checked, out);
    });
  }

  // The connections allowed now with a side in the namespace (every one without).
  async function connections(ns) {
    if (model.lazy) await model.loadAll();
    const inScope = (i) => !ns || model.groupName(model.nodes[i][1]) === ns;
    const out = [];
    for (const e of model.data.edges) {
      if (e[0] === e[1] || !(inScope(e[0]) || inScope(e[1]))) continue;
      const [text, rows] = model.data.ports[e[3]];
      const ports = rows.map(([protocol, port, end]) => ({ protocol, port, end_port: end }));
      out.push({ src: model.nodes[e[0]][0], dst: model.nodes[e[1]][0], ports, ports_text: text });
    }
    return out;
  }

  async function run(ns, dns, out) {
    out.replaceChildren(el("p", { class: "hint" }, "Generating …"));
    const all = await connections(ns);
    const list = el("ul", { class: "keep", "data-testid": "generate-keep" });
    for (const c of all) {
      const box = el("input", { type: "checkbox", checked: true });
      box._entry = c;
      const label = el("label");
      label.append(box, `${c.src} → ${c.dst}: ${c.ports_text}`);
      const li = el("li", { "data-testid": "generate-connection", "data-src": c.src, "data-dst": c.dst });
      li.append(label);
      list.append(li);
    }
    const result = el("div", { "data-generate-result": "" });
    const again = el("button", { type: "button", "data-testid": "generate-again" }, "Generate for the ticked connections");
    out.replaceChildren(
      el("p", {}, `${plural(all.length, "connection")} allowed now ${ns ? `to or from ${ns}` : "in the review"}; untick what should go:`),
      list,
      again,
      result,
    );
    again.addEventListener("click", () => {
      const keep = [...list.querySelectorAll("input:checked")].map((b) => {
        const { src, dst, ports } = b._entry;
        return { src, dst, ports };
      });
      show(ns, result, () =>
        getJson(config.generate_keep_url, {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          referrerPolicy: "same-origin",
          body: JSON.stringify({ ns: ns || null, dns, keep: { connections: keep } }),
        }), false);
    });
    // Every connection kept: generate.json, and its YAML as a plain download link.
    const query = ns ? `?${new URLSearchParams({ ns })}` : "";
    if (dns) show(ns, result, () => getJson(`${config.generate_url}${query}`), true);
    else again.click();
  }

  async function show(ns, result, ask, linked) {
    result.replaceChildren(el("p", { class: "hint" }, "Generating and evaluating again …"));
    let g;
    try {
      g = await ask();
    } catch (error) {
      result.replaceChildren(el("p", { class: "hint" }, `Could not generate (${error.message}).`));
      return;
    }
    result.replaceChildren();
    const check = g.check;
    const exact = check ? check.exact : null;
    const line = el("p", { class: "generate-check", "data-testid": "generate-check", "data-exact": String(exact), "data-kept": String(g.summary.kept_connections) });
    line.append(
      el("span", { class: exact ? "check-ok" : "check-bad" }, exact ? "✓ " : "✕ "),
      `${plural(g.summary.policies, "policy")} for ${plural(g.summary.kept_connections, "kept connection")}; evaluated again, ${exact ? `they reproduce exactly the kept connections${check.stays_allowed?.length ? `, plus the ${plural(check.stays_allowed.length, "connection")} below that no NetworkPolicy can remove` : ""}` : `they differ: ${check.extra.length} more, ${check.missing.length} missing`}. `,
    );
    const text = g.files.map((f) => f.text).join("---\n");
    const name = `${ns || "all"}-least-privilege.yaml`;
    const download = linked
      ? el("a", { href: g.download_url, "data-testid": "generate-download" }, "Download the YAML")
      : el("a", { href: URL.createObjectURL(new Blob([text], { type: "application/yaml" })), download: name, "data-testid": "generate-download" }, "Download the YAML");
    line.append(download);
    result.append(line);
    if (!exact && check) {
      if (check.extra.length) result.append(el("p", {}, "Allowed but not kept:"), pairList(check.extra, "generate-extra"));
      if (check.missing.length) result.append(el("p", {}, "Kept but not allowed:"), pairList(check.missing, "generate-missing"));
    }
    // Tiered or Calico input: the pairs NetworkPolicy cannot shape, each with its deciding rule.
    const decided = [
      ["stays_allowed", "Stays allowed whatever NetworkPolicy says (not kept):"],
      ["cannot_allow", "Cannot be allowed by NetworkPolicy:"],
    ];
    for (const [key, words] of decided) {
      const items = check?.[key] ?? [];
      if (!items.length) continue;
      const list = el("ul", { "data-testid": `generate-${key.replace("_", "-")}` });
      for (const item of items) list.append(el("li", {}, `${item.src} → ${item.dst}: ${item.text}`));
      result.append(el("p", {}, words), list);
    }
    for (const n of g.notes) result.append(el("p", { class: "hint" }, n.text));
    for (const p of g.keep_problems ?? []) result.append(el("p", { class: "hint" }, `Kept entry ${p.index + 1} not used: ${p.problem} ${p.detail}`));
    const details = el("details");
    details.append(el("summary", {}, `The generated policies (${g.files.map((f) => f.name).join(", ")})`), el("pre", { "data-testid": "generate-yaml" }, text));
    result.append(details);
  }
}
