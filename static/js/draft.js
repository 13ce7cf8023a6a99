// What-if on the review page: policies edited, deleted or added in the browser as a draft,
// evaluated on the server as you type (POST draft.json, nothing stored there), its difference
// from the saved revision drawn on the matrix, the graph and the explanation (draft_marks.js).
// The draft belongs to this browser (localStorage, by review and revision) until it is saved as
// a new revision (edit link only), downloaded or discarded. Config: #netviz-draft-config
// (netviz/web/templatetags/draft.py).
import { docText, findPolicy, isEmpty, splice, TEMPLATES } from "./draft_files.js";
import { KINDS, SYMBOL, afterText, marks } from "./draft_marks.js";
import { setParams } from "./urlstate.js";
import { yamlEditor } from "./yaml_editor.js";
import { whatif } from "./draft_whatif.js";

const DEBOUNCE_MS = 400;
const POLL_MS = 200; // a big review's draft, evaluated by the task worker
const LIST_LIMIT = 500;

function ready(root) {
  return new Promise((resolve) => {
    if (root.dataset.ready === "true") return resolve();
    new MutationObserver((_m, obs) => {
      if (root.dataset.ready === "true") {
        obs.disconnect();
        resolve();
      }
    }).observe(root, { attributes: true, attributeFilter: ["data-ready"] });
  });
}

function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("data-")) e.setAttribute(k, v);
    else e[k] = v;
  }
  if (text) e.textContent = text;
  return e;
}

async function main() {
  const section = document.querySelector("[data-draft]");
  const root = document.querySelector("[data-testid=explore]");
  if (!section || !root) return;
  await ready(root);
  const config = JSON.parse(document.getElementById("netviz-draft-config").textContent);
  const { model, openEdge } = window.netviz;
  const q = (sel) => section.querySelector(sel);
  section.hidden = false;

  // The draft: {files: {name: text, or null when deleted}}; kept in this browser. A shared one
  // (?draft=<token>) is shown read-only and never stored here.
  const sharedToken = new URLSearchParams(window.location.search).get("draft");
  const readOnly = Boolean(sharedToken && sharedToken !== "local");
  const saved = readOnly ? null : JSON.parse(localStorage.getItem(config.key) || "null");
  const draft = { files: saved?.files ?? {} };
  if (readOnly) {
    try {
      const response = await fetch(`${config.shared_base}${encodeURIComponent(sharedToken)}.json`, { headers: { Accept: "application/json" } });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      draft.files = (await response.json()).files;
    } catch (error) {
      q("[data-draft-status]").textContent = `This shared draft cannot be shown (${error.message}): it may have ended with its review.`;
    }
    section.dataset.readOnly = "true";
    for (const sel of ["[data-draft-new-toggle]", "[data-draft-save]", "[data-draft-discard]", "[data-draft-share]", "[data-editor-delete]"]) {
      const b = q(sel);
      if (b) b.hidden = true;
    }
  }
  const originals = new Map();
  const fileUrl = new Map(config.files.map((f) => [f.name, f.url]));
  const original = async (name) => {
    if (!fileUrl.has(name)) return null;
    if (!originals.has(name)) {
      const response = await fetch(fileUrl.get(name));
      if (!response.ok) throw new Error(`HTTP ${response.status} for ${name}`);
      originals.set(name, await response.text());
    }
    return originals.get(name);
  };
  const current = async (name) => (name in draft.files ? draft.files[name] : original(name));
  const changedNames = () => Object.keys(draft.files).sort();
  const store = () => {
    if (readOnly) return;
    if (changedNames().length) localStorage.setItem(config.key, JSON.stringify(draft));
    else localStorage.removeItem(config.key);
    setParams({ draft: changedNames().length ? "local" : null });
  };

  const marker = marks(root, model);
  const editor = yamlEditor(q("[data-yaml-editor]"), (text) => edited(text));
  let session = null; // {file, doc: {start, end}, title}

  // --- Evaluation: debounced, the last answer wins. ---
  let timer = 0;
  let asked = 0;
  let lastResult = null;
  window.netviz.draft = { evaluations: 0, lastInput: 0, drawnAt: 0, result: null };
  const schedule = () => {
    clearTimeout(timer);
    window.netviz.draft.lastInput = performance.now();
    section.dataset.state = "typing";
    timer = setTimeout(evaluate, DEBOUNCE_MS);
  };
  async function evaluate() {
    const ticket = ++asked;
    const files = { ...draft.files };
    if (!Object.keys(files).length) return show(null);
    section.dataset.state = "evaluating";
    q("[data-draft-status]").textContent = "Evaluating the draft …";
    let body;
    let ok = false;
    const asking = performance.now();
    try {
      let response = await fetch(config.draft_url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        referrerPolicy: "same-origin",
        body: JSON.stringify({ files }),
      });
      body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
      // A big review: the task worker evaluates the draft, and its answer is asked for until
      // it is there (given up when a newer edit is evaluated instead).
      for (let waited = 0; response.status === 202 && body.poll && ticket === asked; waited += POLL_MS) {
        q("[data-draft-status]").textContent = waited < 3000 ? "Evaluating the draft on the task worker …" : "Waiting for the task worker to evaluate the draft …";
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        response = await fetch(body.poll, { headers: { Accept: "application/json" } });
        const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
        if (response.status !== 202) body = answer;
      }
      ok = response.ok;
    } catch (error) {
      body = { error: error.message };
    }
    if (ticket !== asked) return;
    window.netviz.draft.fetchMs = performance.now() - asking;
    if (!ok) return show({ failed: body });
    show(body);
  }

  // --- What the page shows of the draft. ---
  function show(result) {
    lastResult = result;
    window.netviz.draft.result = result;
    const active = changedNames().length > 0;
    q("[data-draft-actions]").hidden = !active;
    q("[data-draft-body]").hidden = !active && !session;
    q("[data-draft-counts]").hidden = !result || Boolean(result.failed);
    const list = q("[data-draft-list]");
    const errorsEl = q("[data-draft-errors]");
    list.replaceChildren();
    errorsEl.replaceChildren();
    const files = changedNames();
    q("[data-draft-files]").textContent = files.length ? `Changed files: ${files.map((n) => (draft.files[n] === null ? `${n} (deleted)` : n)).join(", ")}` : "";
    if (!result) {
      // Back to the saved revision: nothing changes, and nothing stale is left to read.
      for (const kind of KINDS) q(`[data-testid=draft-count-${kind}]`).textContent = `${SYMBOL[kind]}0`;
      section.dataset.changes = "0";
      marker.set(null);
      editor.setErrors([]);
      q("[data-editor-errors]").replaceChildren();
      q("[data-draft-status]").textContent = "Edit a policy in the Policies tab, or start a new one.";
      q("[data-draft-download-error]").hidden = true;
      section.dataset.state = "idle";
      return finish();
    }
    if (result.failed) {
      marker.set(null);
      q("[data-draft-status]").textContent = `The draft cannot be evaluated: ${result.failed.error}`;
      for (const p of result.failed.errors ?? []) errorsEl.append(problemItem(p));
      section.dataset.state = "failed";
      return finish();
    }
    const c = result.diff.connections;
    for (const kind of KINDS) q(`[data-testid=draft-count-${kind}]`).textContent = `${SYMBOL[kind]}${c[kind].length}`;
    q("[data-draft-counts]").title = `${c.added.length} added, ${c.removed.length} removed, ${c.changed.length} with changed ports`;
    const total = c.added.length + c.removed.length + c.changed.length;
    const errors = result.errors.filter((p) => p.in_draft);
    q("[data-draft-status]").textContent = `${readOnly ? "Shared draft (read-only): " : ""}${total} connection${total === 1 ? "" : "s"} change${total === 1 ? "s" : ""} from revision ${config.revision}${errors.length ? `; ${errors.length} error${errors.length === 1 ? "" : "s"} in the draft` : ""}.`;
    section.dataset.changes = String(total);
    marker.set(result.diff);
    let shown = 0;
    for (const kind of KINDS) {
      for (const entry of c[kind]) {
        if (shown++ >= LIST_LIMIT) break;
        const button = el("button", { type: "button", class: "linkish", "data-src": entry.src, "data-dst": entry.dst, "data-kind": kind });
        button.append(el("span", { class: `diff-${kind}`, "aria-hidden": "true" }, SYMBOL[kind]), ` ${entry.src} → ${entry.dst}: `, el("span", { class: "hint" }, kind === "changed" ? `${entry.before_text} → ${entry.after_text}` : afterText(kind, entry)));
        const li = el("li", { "data-testid": "draft-change", "data-kind": kind });
        li.append(button);
        list.append(li);
      }
    }
    if (total > LIST_LIMIT) list.append(el("li", { class: "hint" }, `… and ${total - LIST_LIMIT} more (download the draft's files to see them all with the CLI's diff).`));
    // Errors of the document in the editor on its lines; every other one of the draft's files listed.
    const inEditor = [];
    for (const p of errors) {
      const at = session && p.file === session.file && p.line ? p.line - session.doc.start : 0;
      if (at >= 1 && at <= session.doc.end - session.doc.start) inEditor.push([at, p.message]);
      else errorsEl.append(problemItem(p));
    }
    editor.setErrors(inEditor);
    const listed = q("[data-editor-errors]");
    listed.replaceChildren(
      ...inEditor.map(([line, message]) => {
        const li = el("li", { "data-testid": "editor-error", "data-line": String(line) });
        const b = el("button", { type: "button", class: "linkish" }, `line ${line}`);
        b.addEventListener("click", () => editor.goTo(line));
        li.append(b, `: ${message}`);
        return li;
      }),
    );
    section.dataset.state = "shown";
    finish();
  }
  function finish() {
    window.netviz.draft.evaluations++;
    window.netviz.draft.drawnAt = performance.now();
    section.dataset.evaluations = String(window.netviz.draft.evaluations);
  }
  const problemItem = (p) => el("li", { "data-testid": "draft-error" }, `${p.file}${p.line ? `:${p.line}` : ""}: ${p.message}`);

  q("[data-draft-list]").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-src]");
    if (b) openEdge(b.dataset.src, b.dataset.dst);
  });

  // --- Editing a document of a file. ---
  function openEditor(file, doc, text, title) {
    session = { file, doc, title };
    q("[data-editor-title]").textContent = title;
    q("[data-draft-editor]").hidden = false;
    q("[data-draft-body]").hidden = false;
    editor.set(text);
    editor.area.focus({ preventScroll: true });
    section.scrollIntoView({ block: "nearest" });
    if (lastResult && !lastResult.failed) show(lastResult);
  }
  async function edited(text) {
    if (!session) return;
    const before = await current(session.file);
    const [next, doc] = splice(before ?? "", session.doc, text);
    session.doc = doc;
    setFile(session.file, next);
    schedule();
  }
  function setFile(name, text) {
    if (originals.has(name) && originals.get(name) === text) delete draft.files[name];
    else if (text === null && !fileUrl.has(name)) delete draft.files[name];
    else draft.files[name] = text;
    store();
  }
  // The first edit asks draft.json for the saved revision as it is, unchanged and unshown: the
  // server then keeps its files parsed and its pairs loaded for the keystrokes that follow.
  let warmed = false;
  const warm = () => {
    if (warmed) return;
    warmed = true;
    fetch(config.draft_url, { method: "POST", headers: { "Content-Type": "application/json" }, referrerPolicy: "same-origin", body: '{"files": {}}' }).catch(() => {});
  };

  async function editPolicy(id, file, line) {
    warm();
    const text = await current(file);
    if (text === null || text === undefined) return;
    // The saved line only means something while the file is as saved.
    const doc = findPolicy(text, id, file in draft.files ? 0 : line);
    if (!doc) return;
    openEditor(file, doc, docText(text, doc), `${id} — ${file}`);
  }
  async function deletePolicy(id, file, line) {
    const text = await current(file);
    if (text === null || text === undefined) return;
    const doc = findPolicy(text, id, file in draft.files ? 0 : line);
    if (!doc) return;
    const [next] = splice(text, doc, null);
    if (session?.file === file) closeEditor();
    setFile(file, isEmpty(next) ? null : next);
    schedule();
  }
  function closeEditor() {
    session = null;
    q("[data-draft-editor]").hidden = true;
    q("[data-draft-body]").hidden = !changedNames().length;
  }
  q("[data-editor-close]").addEventListener("click", closeEditor);
  q("[data-editor-delete]").addEventListener("click", async () => {
    if (!session) return;
    const { file, doc } = session;
    const text = await current(file);
    const [next] = splice(text, doc, null);
    closeEditor();
    setFile(file, isEmpty(next) ? null : next);
    schedule();
  });
  // A new file in the draft, holding `text`, opened in the editor.
  function addFile(stem, text, title) {
    warm();
    let name = `${stem}.yaml`;
    for (let n = 2; fileUrl.has(name) || name in draft.files; n++) name = `${stem}-${n}.yaml`;
    setFile(name, text);
    openEditor(name, { start: 0, end: text.split("\n").length }, text, `${title} — ${name} (new)`);
    schedule();
    return name;
  }

  // "Edit" and "Delete" on every policy of the Policies tab, whenever it is (re)loaded.
  const target = root.querySelector("[data-policies-target]");
  const addButtons = () => {
    if (readOnly) return;
    for (const policy of target.querySelectorAll("[data-testid=policy][data-file]")) {
      if (policy.querySelector("[data-policy-edit]")) continue;
      const tools = el("span", { class: "policy-tools" });
      const edit = el("button", { type: "button", "data-policy-edit": "", "data-testid": "policy-edit" }, "Edit");
      const del = el("button", { type: "button", "data-policy-delete": "", "data-testid": "policy-delete" }, "Delete");
      tools.append(edit, del);
      policy.querySelector("h3").append(tools);
    }
  };
  new MutationObserver(addButtons).observe(target, { childList: true });
  addButtons();
  target.addEventListener("click", (event) => {
    const b = event.target.closest("[data-policy-edit], [data-policy-delete]");
    if (!b) return;
    const policy = b.closest("[data-testid=policy]");
    const args = [policy.dataset.policy, policy.dataset.file, Number(policy.dataset.line) || 0];
    if (b.matches("[data-policy-edit]")) editPolicy(...args);
    else deletePolicy(...args);
  });

  // "New policy" from a template.
  const form = q("[data-draft-new-form]");
  const toggle = q("[data-draft-new-toggle]");
  const namespaces = model.namespaces;
  const options = (select, values) => select.replaceChildren(...values.map((v) => el("option", { value: v }, v)));
  form.template.replaceChildren(...Object.entries(TEMPLATES).map(([k, t]) => el("option", { value: k }, t.label)));
  options(form.ns, namespaces);
  options(form.from, namespaces);
  const fromField = form.querySelector("[data-from-field]");
  const syncFrom = () => (fromField.hidden = form.template.value !== "allow-from");
  form.template.addEventListener("change", syncFrom);
  syncFrom();
  toggle.addEventListener("click", () => {
    form.hidden = !form.hidden;
    toggle.setAttribute("aria-expanded", String(!form.hidden));
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const t = TEMPLATES[form.template.value];
    const ns = form.ns.value;
    const from = form.from.value;
    addFile(`${ns}-${t.name(ns, from)}`, t.text(ns, from), `${ns}/${t.name(ns, from)}`);
    form.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
  });

  // Discard, download, save.
  q("[data-draft-discard]").addEventListener("click", () => {
    draft.files = {};
    closeEditor();
    store();
    asked++;
    show(null);
  });
  q("[data-draft-download]").addEventListener("click", () => download(draft.files, config, section));
  q("[data-draft-share]").addEventListener("click", async () => {
    const status = q("[data-draft-status]");
    try {
      const response = await fetch(config.share_url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        referrerPolicy: "same-origin",
        body: JSON.stringify({ files: draft.files }),
      });
      const answer = await response.json();
      if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
      const input = q("[data-testid=draft-share-url]");
      input.value = answer.url;
      q("[data-draft-shared]").hidden = false;
      input.select();
    } catch (error) {
      status.textContent = `Not shared: ${error.message}`;
    }
  });
  q("[data-draft-save]")?.addEventListener("click", () => saveDraft());
  async function saveDraft() {
    const names = changedNames();
    const deleted = names.some((n) => draft.files[n] === null);
    const parts = [];
    if (deleted) {
      // A deleted file needs the replace mode: every file of the draft, unchanged ones as saved.
      for (const f of config.files) if (!(f.name in draft.files)) parts.push([f.name, await original(f.name)]);
    }
    for (const n of names) if (draft.files[n] !== null) parts.push([n, draft.files[n]]);
    const body = new FormData();
    for (const [name, text] of parts) body.append("files", new File([text], name, { type: "application/yaml" }));
    const status = q("[data-draft-status]");
    status.textContent = "Saving …";
    const response = await fetch(`${config.save_url}?mode=${deleted ? "replace" : "add"}`, { method: "POST", body, referrerPolicy: "same-origin" });
    const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
    if (!response.ok) {
      status.textContent = `Not saved: ${answer.error}`;
      return;
    }
    draft.files = {};
    closeEditor();
    store();
    asked++;
    show(null);
    const note = q("[data-draft-saved]");
    note.replaceChildren(`Saved as revision ${answer.revision}. `);
    if (answer.diff_url) note.append(el("a", { href: answer.diff_url, "data-testid": "draft-saved-diff" }, "See what it changes"), " · ");
    note.append(el("a", { href: window.location.pathname, "data-testid": "draft-saved-open" }, "Open it"));
    note.hidden = false;
  }

  whatif({ root, section, config, model, addFile });
  // A draft left in this browser, or the shared one: shown again.
  if (changedNames().length) {
    store();
    evaluate();
  } else if (!readOnly) setParams({ draft: null });
  section.dataset.ready = "true";
}

// What a refusal without a JSON reason means here.
const REFUSED = {
  404: "this review or revision is gone (HTTP 404)",
  413: "the draft is larger than the upload limit (HTTP 413)",
};

// The changed files as one download: the file itself when it is the only one (and nothing is
// deleted), else the zip draft.zip builds of them all (with DELETED.txt); a refusal shown inline.
async function download(files, config, section) {
  const names = Object.keys(files).sort();
  const error = section.querySelector("[data-draft-download-error]");
  const button = section.querySelector("[data-draft-download]");
  error.hidden = true;
  if (names.length === 1 && files[names[0]] !== null) {
    save(new Blob([files[names[0]]], { type: "application/yaml" }), names[0]);
    return;
  }
  button.disabled = true;
  section.dataset.downloading = "true";
  try {
    const response = await fetch(config.zip_url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/zip, application/json" },
      referrerPolicy: "same-origin",
      body: JSON.stringify({ files }),
    });
    if (!response.ok) {
      const answer = await response.json().catch(() => ({}));
      throw new Error(answer.error || REFUSED[response.status] || `HTTP ${response.status}`);
    }
    const disposition = response.headers.get("Content-Disposition") || "";
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] || `draft-rev${config.revision}-draft.zip`;
    save(await response.blob(), name);
  } catch (e) {
    error.textContent = `The changed files were not downloaded: ${e.message}`;
    error.hidden = false;
  } finally {
    button.disabled = false;
    delete section.dataset.downloading;
  }
}

function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

main();
