"""Review page load in headless Chromium: navigation start to "matrix drawn", for a big review.

    python bench/page_load.py [--size M] [--runs 5]

M is the generator's 1,000-workload cluster. The first load is cold (the server builds the page
data and caches it); the others are warm, each in a fresh browser context. A figure, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the `bench` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import DEFAULT_SEED, generate, parse_spec  # noqa: E402
from bench.live import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

TARGET_MS = 2000


def measure(browser, url: str) -> dict:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        started = time.perf_counter()
        response = page.goto(url, wait_until="commit")
        # A selector, not wait_for_function: the page CSP forbids the eval that one polls with.
        page.wait_for_selector(
            "[data-testid=matrix][data-drawn=true]", state="attached", timeout=60_000
        )
        wall = (time.perf_counter() - started) * 1000
        timing = page.evaluate(
            """() => {
              const nav = performance.getEntriesByType("navigation")[0];
              return {drawn: window.netviz.drawnAt, response: nav.responseEnd,
                      dom: nav.domContentLoadedEventEnd, bytes: nav.transferSize || nav.encodedBodySize,
                      mode: document.querySelector("[data-testid=matrix]").dataset.mode,
                      endpoints: window.netviz.model.n, connections: window.netviz.model.data.edges.length}
            }"""
        )
        timing["status"] = response.status if response else 0
        timing["wall"] = wall
        return timing
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--size", default="M", help="S, M, L, XL or NAMESPACES/WORKLOADS/POLICIES")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--runs", type=int, default=5, help="warm loads after the cold one")
    args = ap.parse_args(argv)
    spec = parse_spec(args.size)
    print(f"generating {spec.workloads} workloads, {spec.policies} policies ...", flush=True)
    files = generate(spec, args.seed)
    started = time.perf_counter()
    from playwright.sync_api import sync_playwright

    with serve([(f"bench {args.size}", files)]) as (base, tokens):
        print(f"stored the review in {time.perf_counter() - started:.1f} s", flush=True)
        url = f"{base}/r/{tokens[0]}/"
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            cold = measure(browser, url)
            warm = [measure(browser, url) for _ in range(args.runs)]
            browser.close()
    print(
        f"{cold['endpoints']} endpoints, {cold['connections']} connections, matrix as {cold['mode']}, "
        f"page {cold['bytes'] / 1e6:.1f} MB"
    )
    print(
        f"cold: response {cold['response']:.0f} ms, DOM ready {cold['dom']:.0f} ms, "
        f"matrix drawn {cold['drawn']:.0f} ms"
    )
    drawn = [w["drawn"] for w in warm]
    median = statistics.median(drawn)
    print(
        f"warm (median of {len(warm)}): response {statistics.median(w['response'] for w in warm):.0f} ms, "
        f"DOM ready {statistics.median(w['dom'] for w in warm):.0f} ms, matrix drawn {median:.0f} ms "
        f"(min {min(drawn):.0f}, max {max(drawn):.0f})"
    )
    verdict = "OK" if max(cold["drawn"], median) < TARGET_MS else "MISS"
    print(f"target < {TARGET_MS} ms: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
