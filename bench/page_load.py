"""`make bench-page`: a big review through the web app and in headless Chromium, per size.

    python bench/page_load.py [--sizes "S M L XL"] [--runs 3]

Per size: the CLI's `analyze --format json` time; upload → stored review (a multipart POST to
/api/reviews of a throwaway server, analysed in the request); the bytes of the first load (page,
static files and the data it fetches before the matrix is drawn, as sent on the wire); time to the
drawn matrix cold (the server's first look) and warm (median, fresh browser contexts); the time
to open the namespace nearest 100 endpoints; the time to the drawn graph (namespaces folded when
big) and the tab's JS heap after it (CDP's JSHeapUsedSize, after a garbage collection). It reads back what the page
shows — the number of endpoints, the state of sampled namespace blocks and of sampled pairs of
the opened namespace — against the engine's analysis, and prints MISS instead of a time when they
differ. Figures, not tests.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import DEFAULT_SEED  # noqa: E402
from bench.live import CHROMIUM, CHROMIUM_ARGS, ROOT, serve  # noqa: E402
from bench.run import ensure_cluster  # noqa: E402

# Playwright's sync API runs an event loop in this thread; the ORM calls here stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Layout constants of static/js/matrix.js (canvas mode).
CELL, HEAD_H = 14, 150
SAMPLE_PAIRS = 300
SAMPLE_BLOCKS = 40


def post_files(url: str, files: list[Path], title: str) -> dict:
    """A multipart POST of the files as `files` fields, as curl -F would send them."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'.encode()
    ]
    for path in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{path.name}"\r\nContent-Type: application/yaml\r\n\r\n'
        )
        parts += [head.encode(), path.read_bytes(), b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    request = urllib.request.Request(
        url,
        data=b"".join(parts),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    with urllib.request.urlopen(request, timeout=3600) as response:
        return json.loads(response.read())


def children_cpu() -> float:
    """CPU seconds of the finished child processes waited for so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def server_cpu() -> float:
    """CPU seconds used so far by this process's running children (the throwaway server): on a
    shared machine a CPU figure beside the wall-clock one says what the work costs."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path(f"/proc/{os.getpid()}/task").iterdir():
        for pid in (task / "children").read_text().split():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def cli_seconds(yaml_dir: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "analyze",
            str(yaml_dir),
            "--format",
            "json",
            "-o",
            "/dev/null",
        ],
        cwd=ROOT,
        check=False,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


class Expected:
    """What the page must show, from the engine's own analysis of the same files."""

    def __init__(self, files: list[Path]) -> None:
        from netviz.engine import Evaluator
        from netviz.formats.connections import ordered_endpoints
        from netviz.k8s import load_texts
        from netviz.web.services import reader_limits

        # The web app's limits (not the reader's defaults: XL has more than 20,000 documents).
        cluster = load_texts([(p.name, p.read_bytes()) for p in files], limits=reader_limits())
        analysis = Evaluator(cluster).analysis()
        self.ids = [e.id for e in ordered_endpoints(analysis)]
        position = {i: k for k, i in enumerate(self.ids)}
        self.namespace = {e.id: e.namespace for e in analysis.endpoints}
        self.state: dict[tuple[int, int], int] = {}
        for c in analysis.connections:
            self.state[(position[c.src], position[c.dst])] = 2 if c.ports.is_all() else 1
        self.connections = len(analysis.connections)

    def pair(self, s: int, d: int) -> int:
        if s == d and self.ids[s].endswith("[Pod]"):
            return 2  # a bare Pod reaches itself (loopback)
        return self.state.get((s, d), 0)

    def block(self, rows: list[int], cols: list[int]) -> int:
        states = [self.pair(s, d) for s in rows for d in cols]
        return 0 if not any(states) else 2 if all(st == 2 for st in states) else 1


def groups_of(nodes: list[list]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for i, node in enumerate(nodes):
        out.setdefault(node[1], []).append(i)
    return out


def load(browser, url: str) -> tuple[object, object, dict]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    response = page.goto(url, wait_until="commit")
    page.wait_for_selector(
        "[data-testid=matrix][data-drawn=true]", state="attached", timeout=300_000
    )
    figures = page.evaluate(
        """() => {
          const nav = performance.getEntriesByType("navigation")[0];
          const drawn = window.netviz.drawnAt;
          // Everything fetched until the matrix was drawn (page, scripts, styles, data).
          const early = performance.getEntriesByType("resource").filter((r) => r.responseEnd <= drawn + 1);
          const wire = nav.transferSize + early.reduce((n, r) => n + r.transferSize, 0);
          const el = document.querySelector("[data-testid=matrix]");
          return {drawn, wire, mode: el.dataset.mode, lazy: !!window.netviz.model.lazy,
                  response: nav.responseEnd, dom: nav.domContentLoadedEventEnd,
                  endpoints: window.netviz.model.n}
        }"""
    )
    figures["status"] = response.status if response else 0
    return context, page, figures


def heap_mb(context, page) -> float:
    """The tab's JS heap in use (Chromium's own count through CDP; performance.memory is
    rounded and cached), after a garbage collection."""
    cdp = context.new_cdp_session(page)
    try:
        cdp.send("HeapProfiler.collectGarbage")
        cdp.send("Performance.enable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        return metrics["JSHeapUsedSize"] / 1e6
    finally:
        cdp.detach()


def open_graph(page) -> float:
    """Milliseconds from the Graph tab's click to the graph drawn (folded by namespace when big)."""
    started = page.evaluate("() => performance.now()")
    page.locator("[data-testid=tab-graph]").click()
    page.wait_for_selector(
        "[data-testid=graph][data-ready=true]", state="attached", timeout=300_000
    )
    return page.evaluate("() => performance.now()") - started


# Clicks namespace g's row label (a toggle button in the table, the label column of the canvas)
# and resolves with the milliseconds until the matrix has been drawn again, timed in the page.
OPEN_JS = """async ([g, CELL, HEAD_H]) => {
  const el = document.querySelector("[data-testid=matrix]");
  const drawn = (n) => new Promise((resolve) => {
    const seen = new MutationObserver(() => {
      if (Number(el.dataset.draws) > n) { seen.disconnect(); resolve(performance.now()); }
    });
    seen.observe(el, { attributes: true, attributeFilter: ["data-draws"] });
  });
  const rowButton = () => el.querySelector(`tbody [data-toggle="${g}"]`);
  if (el.dataset.mode === "table") {
    if (rowButton().getAttribute("aria-expanded") === "true") {
      const folded = drawn(Number(el.dataset.draws));
      rowButton().click();
      await folded;
    }
    const done = drawn(Number(el.dataset.draws));
    const started = performance.now();
    rowButton().click();
    return (await done) - started;
  }
  const v = window.netviz.view, m = window.netviz.model;
  const groups = [...new Set(v.rows.map((i) => m.nodes[i][1]))].sort((a, b) => (a < 0) - (b < 0) || a - b);
  const wrap = el.querySelector(".matrix-canvas-wrap");
  wrap.scrollTop = groups.indexOf(g) * CELL;
  const box = wrap.getBoundingClientRect();
  const y = box.top + HEAD_H + groups.indexOf(g) * CELL - wrap.scrollTop + CELL / 2;
  const done = drawn(Number(el.dataset.draws));
  const started = performance.now();
  wrap.dispatchEvent(new MouseEvent("click", { clientX: box.left + 20, clientY: y, bubbles: true }));
  return (await done) - started;
}"""


def open_namespace(page, g: int) -> float:
    """Milliseconds from the click on namespace g's row label to the matrix drawn open."""
    return page.evaluate(OPEN_JS, [g, CELL, HEAD_H])


def read_back(page, expected: Expected, g: int, rng: random.Random) -> list[str]:
    """Differences between what the page holds and the analysis (empty when none)."""
    data = page.evaluate(
        "() => ({nodes: window.netviz.model.nodes.map((n) => [n[0], n[1]]), "
        "rows: window.netviz.view.rows, cols: window.netviz.view.cols})"
    )
    nodes = data["nodes"]
    problems = []
    if [n[0] for n in nodes] != expected.ids:
        problems.append(f"endpoints: page {len(nodes)}, analysis {len(expected.ids)}")
        return problems
    groups = groups_of(nodes)
    opened = groups[g]
    pairs = [(rng.choice(opened), rng.randrange(len(nodes))) for _ in range(SAMPLE_PAIRS)]
    pairs += [(rng.randrange(len(nodes)), rng.choice(opened)) for _ in range(SAMPLE_PAIRS)]
    shown = page.evaluate(
        "(pairs) => pairs.map(([s, d]) => window.netviz.model.state(s, d))", pairs
    )
    for (s, d), st in zip(pairs, shown, strict=True):
        if st != expected.pair(s, d):
            problems.append(
                f"{nodes[s][0]} → {nodes[d][0]}: page {st}, analysis {expected.pair(s, d)}"
            )
    keys = sorted(groups)
    blocks = [(rng.choice(keys), rng.choice(keys)) for _ in range(SAMPLE_BLOCKS)]
    # The block state as the matrix shows it for two folded namespaces.
    shown = page.evaluate(
        """(blocks) => { const m = window.netviz.model;
            const members = (g) => m.nodes.map((n, i) => [n, i]).filter(([n]) => n[1] === g).map(([, i]) => i);
            return blocks.map(([a, b]) => {
              if (m.lazy) return m.block(a, b)[0];
              let any = false, every = true;
              for (const s of members(a)) for (const d of members(b)) {
                const st = m.state(s, d); if (st > 0) any = true; if (st < 2) every = false; }
              return any ? (every ? 2 : 1) : 0; }); }""",
        blocks,
    )
    for (a, b), st in zip(blocks, shown, strict=True):
        want = expected.block(groups[a], groups[b])
        if st != want:
            problems.append(f"block {a} → {b}: page {st}, analysis {want}")
    return problems[:5]


def run_size(size: str, args: argparse.Namespace, browser_type) -> dict:
    yaml_dir, _stats = ensure_cluster(size, args.seed, args.cache)
    files = sorted(p for p in yaml_dir.rglob("*.yaml"))
    cpu = children_cpu()
    row = {"size": size, "cli_s": cli_seconds(yaml_dir)}
    row["cli_cpu_s"] = children_cpu() - cpu
    with serve([]) as (base, _tokens):
        cpu = server_cpu()
        started = time.perf_counter()
        created = post_files(f"{base}/api/reviews", files, f"bench {size}")
        row["stored_s"] = time.perf_counter() - started
        row["stored_cpu_s"] = server_cpu() - cpu
        url = created["view_url"]
        expected = Expected(files)
        row["connections"] = expected.connections
        browser = browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context, page, cold = load(browser, url)
            row.update(
                cold_response_ms=cold["response"],
                cold_dom_ms=cold["dom"],
                endpoints=cold["endpoints"],
                wire_mb=cold["wire"] / 1e6,
                cold_ms=cold["drawn"],
                mode=cold["mode"] + (" lazy" if cold["lazy"] else ""),
            )
            nodes = page.evaluate("() => window.netviz.model.nodes.map((n) => n[1])")
            sizes = {g: nodes.count(g) for g in set(nodes) if g >= 0}
            g = min(sizes, key=lambda k: (abs(sizes[k] - 100), k))
            row["ns_endpoints"] = sizes[g]
            row["open_ms"] = open_namespace(page, g)
            row["problems"] = read_back(page, expected, g, random.Random(args.seed))
            row["graph_ms"] = open_graph(page)
            row["graph_nodes"] = int(
                page.locator("[data-testid=graph]").get_attribute("data-nodes") or 0
            )
            row["heap_mb"] = heap_mb(context, page)
            context.close()
            warm = []
            for _ in range(args.runs):
                context, _page, figures = load(browser, url)
                warm.append(figures)
                context.close()
            row["warm_ms"] = statistics.median(w["drawn"] for w in warm)
            row["warm_response_ms"] = statistics.median(w["response"] for w in warm)
        finally:
            browser.close()
    return row


def table(rows: list[dict]) -> str:
    head = (
        "| size | endpoints | connections | CLI analyze | upload → stored | first load (wire) "
        "| matrix cold | matrix warm | open a namespace | graph | JS heap | CPU: CLI, stored |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )
    lines = [head]
    for r in rows:
        bad = bool(r["problems"])

        def ms(v: float, bad: bool = bad) -> str:
            return "MISS" if bad else f"{v / 1000:.2f} s"

        opened = "MISS" if bad else f"{r['open_ms']:.0f} ms"
        lines.append(
            f"| {r['size']} | {r['endpoints']:,} | {r['connections']:,} | {r['cli_s']:.1f} s "
            f"| {r['stored_s']:.1f} s ({r['stored_s'] / r['cli_s']:.1f}×) | {r['wire_mb']:.2f} MB "
            f"| {ms(r['cold_ms'])} | {ms(r['warm_ms'])} "
            f"| {opened} ({r['ns_endpoints']} endpoints) "
            f"| {r['graph_ms'] / 1000:.2f} s ({r['graph_nodes']:,} nodes) | {r['heap_mb']:.0f} MB "
            f"| {r['cli_cpu_s']:.1f} s, {r['stored_cpu_s']:.1f} s "
            f"({r['stored_cpu_s'] / r['cli_cpu_s']:.1f}×) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="S M L XL", help='e.g. "S M" or "L 20/300/120"')
    ap.add_argument("--size", help="one size (the older option)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--runs", type=int, default=3, help="warm loads after the cold one")
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "netviz-bench",
        help="where generated clusters are kept between runs",
    )
    args = ap.parse_args(argv)
    args.cache.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    rows = []
    with sync_playwright() as p:
        for size in (args.size or args.sizes).split():
            print(f"{size}: ...", flush=True)
            row = run_size(size, args, p.chromium)
            for problem in row["problems"]:
                print(f"  MISS {problem}")
            print(f"  {json.dumps({k: v for k, v in row.items() if k != 'problems'})}", flush=True)
            rows.append(row)
    print(table(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
