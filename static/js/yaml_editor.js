// A YAML editor without a build step or a dependency: a plain <textarea> (so typing, undo,
// selection, IME and screen readers are the browser's own) over a painted copy of its text with
// simple token colours, a line-number gutter, and lines marked with their errors.
// Markup: templates/review/_draft.html ([data-yaml-editor] holding gutter, paint, textarea).

const KEY = /^(\s*(?:-\s+)*)([^\s#'"{}[\],:][^#:]*?|"[^"]*"|'[^']*')(:)(?=\s|$)/;
const TOKEN = /(#.*$)|("(?:[^"\\]|\\.)*"|'[^']*')|(\b(?:true|false|null|yes|no)\b)|(-?\b\d+(?:\.\d+)?\b)|([{}[\],])/g;

function span(cls, text) {
  const s = document.createElement("span");
  s.className = cls;
  s.textContent = text;
  return s;
}

// One line as coloured pieces: document separator, comment, key, strings, numbers, booleans.
function paintLine(line) {
  const out = document.createElement("span");
  out.className = "yl";
  if (/^---(\s|$)/.test(line) || /^\.\.\.(\s|$)/.test(line)) {
    out.append(span("y-doc", line));
    return out;
  }
  let rest = line;
  const key = KEY.exec(rest);
  if (key && !/^\s*#/.test(rest)) {
    out.append(key[1], span("y-key", key[2]), span("y-punct", key[3]));
    rest = rest.slice(key[0].length);
  } else {
    const dash = /^(\s*)(-)(\s|$)/.exec(rest);
    if (dash) {
      out.append(dash[1], span("y-punct", dash[2]));
      rest = rest.slice(dash[1].length + 1);
    }
  }
  let at = 0;
  for (const m of rest.matchAll(TOKEN)) {
    if (m.index > at) out.append(rest.slice(at, m.index));
    const cls = m[1] ? "y-comment" : m[2] ? "y-str" : m[3] ? "y-bool" : m[4] ? "y-num" : "y-punct";
    out.append(span(cls, m[0]));
    at = m.index + m[0].length;
    if (m[1]) break;
  }
  if (at < rest.length) out.append(rest.slice(at));
  if (!line) out.append("\u200b");
  return out;
}

// el: the [data-yaml-editor] element. onInput(text) after each change.
export function yamlEditor(el, onInput) {
  const area = el.querySelector("textarea");
  const paint = el.querySelector("[data-paint]");
  const gutter = el.querySelector("[data-gutter]");
  let errors = new Map(); // line (1-based) → messages
  const repaint = () => {
    const lines = area.value.split("\n");
    const painted = lines.map((line, i) => {
      const p = paintLine(line);
      if (errors.has(i + 1)) p.classList.add("y-error");
      return p;
    });
    paint.replaceChildren(...painted);
    const numbers = lines.map((_l, i) => {
      const n = document.createElement("span");
      n.textContent = String(i + 1);
      if (errors.has(i + 1)) {
        n.className = "bad";
        n.title = errors.get(i + 1).join("\n");
        n.dataset.testid = "editor-error-line";
      }
      return n;
    });
    gutter.replaceChildren(...numbers);
    sync();
  };
  const sync = () => {
    paint.scrollTop = area.scrollTop;
    paint.scrollLeft = area.scrollLeft;
    gutter.scrollTop = area.scrollTop;
  };
  area.addEventListener("input", () => {
    repaint();
    onInput(area.value);
  });
  area.addEventListener("scroll", sync);
  // Tab indents by two spaces instead of leaving the editor (Escape, then Tab, leaves it).
  let escaped = false;
  area.addEventListener("keydown", (event) => {
    if (event.key === "Escape") escaped = true;
    else if (event.key === "Tab" && !escaped && !event.shiftKey) {
      event.preventDefault();
      area.setRangeText("  ", area.selectionStart, area.selectionEnd, "end");
      area.dispatchEvent(new Event("input"));
    } else escaped = false;
  });
  return {
    area,
    get value() {
      return area.value;
    },
    set(text) {
      area.value = text;
      errors = new Map();
      repaint();
      area.scrollTop = 0;
    },
    // [[line, message], ...] with lines of this editor's text (1-based).
    setErrors(list) {
      errors = new Map();
      for (const [line, message] of list) {
        if (!errors.has(line)) errors.set(line, []);
        errors.get(line).push(message);
      }
      repaint();
    },
    goTo(line) {
      const lines = area.value.split("\n");
      const at = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      area.focus();
      area.setSelectionRange(at, at + (lines[line - 1] || "").length);
      const height = parseFloat(getComputedStyle(area).lineHeight) || 18;
      area.scrollTop = Math.max(0, (line - 3) * height);
      sync();
    },
  };
}
