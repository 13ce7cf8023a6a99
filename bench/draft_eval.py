"""What-if drafts on a big review, measured: a policy edited in the page's editor, re-evaluated
through draft.json and redrawn, timed from the last keystroke to the draft's changes drawn
(the 400 ms debounce included; the issue asks for 1 s). Not a test: `make bench-draft`.

For each size: a generated cluster (bench/generate.py) stored on a throwaway server, the review
page opened in headless Chromium, the policy of the rule permitting most connections opened in the
editor, and the value of the last label its rules' peers match retyped (one more character on
each run). Each run then reads back what the page
shows (the changed-pair count and its list, the counts by kind) against draft.json's diff of the
same files computed here, and prints MISS when they differ.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.generate import generate, parse_spec  # noqa: E402
from bench.live import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

BUDGET_MS = 1000
# Playwright's sync API runs an event loop in this thread; the ORM calls here stay synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SHOWN = """() => {
  const s = document.querySelector("[data-testid=draft]");
  const count = (k) => Number(document.querySelector(`[data-testid=draft-count-${k}]`).textContent.slice(1));
  return {
    evaluations: Number(s.dataset.evaluations || 0), state: s.dataset.state,
    changes: Number(s.dataset.changes || 0),
    listed: document.querySelectorAll("[data-testid=draft-change]").length,
    counts: { added: count("added"), removed: count("removed"), changed: count("changed") },
    lastInput: window.netviz.draft.lastInput, drawnAt: window.netviz.draft.drawnAt,
    fetchMs: window.netviz.draft.fetchMs,
    files: JSON.parse(localStorage.getItem(Object.keys(localStorage).find((k) => k.startsWith("netviz-draft:"))) || "{}").files,
  };
}"""


def expected(token: str, files: dict) -> tuple[dict[str, int], float]:
    """draft.json's diff of the same files, computed here (as the view does), and the CPU time
    that took in ms: a figure the other processes on the machine do not inflate (this process
    keeps the same per-revision caches as the server, so from the second run on it is warm)."""
    from netviz.web.access import get_review, get_revision
    from netviz.web.drafts import evaluate_draft

    revision = get_revision(get_review(token), 1)
    started = time.thread_time()
    diff = evaluate_draft(revision, files)["diff"]["connections"]
    return {k: len(v) for k, v in diff.items()}, (time.thread_time() - started) * 1000


def by_worker(token: str) -> bool:
    """Whether this review's drafts go to the task worker (netviz.web.draft_jobs)."""
    from netviz.web.access import get_review, get_revision
    from netviz.web.draft_jobs import in_background

    return in_background(get_revision(get_review(token), 1))


def run_size(browser, base: str, token: str, runs: int) -> list[str]:
    worker = by_worker(token)
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.goto(f"{base}/r/{token}/?tab=policies")
    page.wait_for_selector(
        "[data-testid=draft][data-ready=true]", state="attached", timeout=120_000
    )
    page.wait_for_selector("[data-testid=policy-edit]", timeout=120_000)
    # The policy of the rule permitting most connections whose peers match a label: an edit of
    # that label changes many pairs.
    names = page.evaluate(
        """() => [...document.querySelectorAll("[data-testid=rule]")]
             .sort((a, b) => b.dataset.connections - a.dataset.connections)
             .map((r) => r.closest("[data-testid=policy]").dataset.policy)"""
    )
    area = page.locator("[data-testid=editor-text]")
    m = None
    for name in list(dict.fromkeys(names))[:40]:
        # A click in the page: a long policies list may keep some of them folded away.
        page.evaluate(
            """(n) => document.querySelector(`[data-testid=policy][data-policy="${n}"]`)
                 .querySelector("[data-testid=policy-edit]").click()""",
            name,
        )
        page.wait_for_function(
            "(n) => document.querySelector('[data-testid=editor-title]').textContent.startsWith(n)",
            arg=name,
        )
        text = area.input_value()
        # The last label a rule's peer matches: a character added to its value, then taken away.
        found = list(re.finditer(r"matchLabels:\n\s+[\w./-]+: ([\w.-]+)$", text, re.M))
        if found:
            m = found[-1]
            break
    if m is None:
        return ["no policy with a peer label to retype among the 40 broadest"]
    lines, misses = [], 0
    timings = []
    for i in range(runs):
        before = page.evaluate(SHOWN)["evaluations"]
        # One more character on each run: every run is a draft that differs from the saved
        # revision, evaluated anew (none is the saved text, which needs no evaluation).
        at = m.end(1) + i
        area.evaluate("(a, at) => { a.focus(); a.setSelectionRange(at, at); }", at)
        page.keyboard.type("x")
        page.wait_for_function(
            """(n) => { const s = document.querySelector("[data-testid=draft]");
               return Number(s.dataset.evaluations) > n && s.dataset.state !== "typing"
                 && s.dataset.state !== "evaluating"; }""",
            arg=before,
            timeout=60_000,
        )
        shown = page.evaluate(SHOWN)
        ms = shown["drawnAt"] - shown["lastInput"]
        timings.append(ms)
        if not shown["files"]:
            got, cpu = {"added": 0, "removed": 0, "changed": 0}, 0.0
        else:
            got, cpu = expected(token, shown["files"])
        total = sum(got.values())
        ok = shown["counts"] == got and shown["changes"] == total
        ok = ok and shown["listed"] == min(total, 500)
        misses += not ok
        lines.append(
            f"  run {i + 1}: {ms:6.0f} ms from the last keystroke to drawn "
            f"(draft.json {shown['fetchMs'] if shown['files'] else 0:5.0f} ms, "
            f"its evaluation {cpu:4.0f} ms CPU) · page +{shown['counts']['added']} "
            f"−{shown['counts']['removed']} ~{shown['counts']['changed']}, {shown['listed']} listed"
            f" · draft.json +{got['added']} −{got['removed']} ~{got['changed']}"
            f"{'' if ok else '  MISS'}{'' if ms <= BUDGET_MS or worker else '  SLOW'}"
        )
    page.close()
    head = (
        f"  edited {name}; median {statistics.median(timings):.0f} ms, worst {max(timings):.0f} ms"
    )
    head += (
        " (evaluated by the task worker, polled for: no budget)"
        if worker
        else f" (budget {BUDGET_MS} ms)"
    )
    head += "" if not misses else f", {misses} MISS"
    return [head, *lines]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="M", help="bench/generate.py sizes, e.g. 'S M'")
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    sizes = args.sizes.split()
    clusters = []
    for size in sizes:
        started = time.monotonic()
        clusters.append((f"draft bench {size}", generate(parse_spec(size))))
        print(f"{size}: generated in {time.monotonic() - started:.1f} s", flush=True)
    bad = False
    with serve(clusters, worker=True) as (base, tokens), sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for size, token in zip(sizes, tokens, strict=True):
                out = run_size(browser, base, token, args.runs)
                print(f"{size}:", *out, sep="\n", flush=True)
                bad = bad or any("MISS" in line for line in out)
        finally:
            browser.close()
    print(json.dumps({"budget_ms": BUDGET_MS, "miss": bad}))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
