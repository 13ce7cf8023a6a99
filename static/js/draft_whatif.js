// From a verdict to a change: "Allow this" and "Block this" in the explanation panel, and
// "Generate least privilege" (allow.json, block.json, generate.json of netviz.whatif).
export function whatif() {}
