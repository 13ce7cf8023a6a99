// A draft's files as text: the documents of a file, the one holding a policy, and the templates
// of "New policy". No YAML parser here: the server reads the draft (draft.json) and says by line
// what it could not read.

const SEPARATOR = /^---(\s|$)/;

// [{start, end}] line ranges (0-based, end excluded) of each document, separators left out.
export function documents(text) {
  const lines = text.split("\n");
  const out = [];
  let start = 0;
  lines.forEach((line, i) => {
    if (!SEPARATOR.test(line)) return;
    out.push({ start, end: i });
    start = i + 1;
  });
  out.push({ start, end: lines.length });
  return out.filter((d) => lines.slice(d.start, d.end).some((l) => l.trim() && !l.trim().startsWith("#")) || out.length === 1);
}

// metadata.name and metadata.namespace of a document, by indentation (enough for manifests).
function metadata(lines) {
  const found = {};
  let inside = false;
  for (const line of lines) {
    if (/^metadata:\s*$/.test(line)) {
      inside = true;
      continue;
    }
    if (inside && /^\S/.test(line)) break;
    const m = inside && /^\s+(name|namespace):\s*["']?([^"'\s#]+)/.exec(line);
    if (m && !(m[1] in found)) found[m[1]] = m[2];
  }
  return found;
}

// The document of policy `id` (`ns/name`, or `name` for cluster-scoped kinds): by its name and
// namespace, else the one holding `line` (the policy's line in the saved file).
export function findPolicy(text, id, line) {
  const lines = text.split("\n");
  const [ns, name] = id.includes("/") ? id.split("/", 2) : [null, id];
  const docs = documents(text);
  const named = docs.filter((d) => {
    const meta = metadata(lines.slice(d.start, d.end));
    return meta.name === name && (ns === null || !meta.namespace || meta.namespace === ns);
  });
  if (named.length === 1) return named[0];
  const byLine = line ? docs.find((d) => line - 1 >= d.start && line - 1 < d.end) : null;
  return byLine ?? named[0] ?? null;
}

export const docText = (text, doc) => text.split("\n").slice(doc.start, doc.end).join("\n");

// `text` with the document `doc` replaced by `replacement` (null: the document and one separator
// removed); returns [new text, the document's new range].
export function splice(text, doc, replacement) {
  const lines = text.split("\n");
  if (replacement === null) {
    let { start, end } = doc;
    if (end < lines.length && SEPARATOR.test(lines[end])) end += 1;
    else if (start > 0 && SEPARATOR.test(lines[start - 1])) start -= 1;
    lines.splice(start, end - start);
    return [lines.join("\n"), null];
  }
  const replaced = replacement.split("\n");
  lines.splice(doc.start, doc.end - doc.start, ...replaced);
  return [lines.join("\n"), { start: doc.start, end: doc.start + replaced.length }];
}

// Nothing but blank lines, comments and separators left.
export const isEmpty = (text) => text.split("\n").every((l) => !l.trim() || l.trim().startsWith("#") || SEPARATOR.test(l));

const HEAD = (name, ns) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  podSelector: {}`;

export const TEMPLATES = {
  deny: {
    label: "Default deny for a namespace",
    name: () => "default-deny",
    text: (ns) => `# Nothing in ${ns} talks unless another policy allows it.
${HEAD("default-deny", ns)}
  policyTypes: [Ingress, Egress]
`,
  },
  "allow-from": {
    label: "Allow from a namespace",
    name: (ns, from) => `allow-from-${from}`,
    text: (ns, from) => `# Every pod of ${ns} accepts connections from every pod of ${from}.
${HEAD(`allow-from-${from}`, ns)}
  policyTypes: [Ingress]
  ingress:
    - from:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: ${from}}
`,
  },
  dns: {
    label: "Allow DNS egress",
    name: () => "allow-dns-egress",
    text: (ns) => `# Every pod of ${ns} may resolve names through cluster DNS.
${HEAD("allow-dns-egress", ns)}
  policyTypes: [Egress]
  egress:
    - to:
        - namespaceSelector:
            matchLabels: {kubernetes.io/metadata.name: kube-system}
          podSelector:
            matchLabels: {k8s-app: kube-dns}
      ports:
        - {protocol: UDP, port: 53}
        - {protocol: TCP, port: 53}
`,
  },
};
