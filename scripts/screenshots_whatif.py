"""Screenshots of what-if on the review page: `python scripts/screenshots_whatif.py` →
docs/screenshots/whatif-*.png at 1440 and 800 px, light and dark.

The demo review on a throwaway server, with a draft (the frontend's egress port retyped): the
editor and the changed pairs over the matrix, a changed pair's explanation with its before and
after and "Block this", "Allow this" on a denied pair, and the least privilege generated for a
namespace; and on a generated 1,000-workload review, a default deny added from the "New
policy" templates, drawn on the canvas matrix and the folded graph. Each state goes through the visual checks of tests/browser/layout_check.py first
(the editor's textarea lies over its painted copy on purpose: overlaps with it are left out).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.generate import generate, parse_spec  # noqa: E402
from bench.live import CHROMIUM, CHROMIUM_ARGS, report_shots, serve  # noqa: E402
from tests.browser.layout_check import GRAPH_FITS, OVERLAPS, SIDEWAYS  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DEMO = sorted((ROOT / "netviz" / "web" / "demo").glob("*.yaml"))
WIDTHS = (1440, 800)
FRONTEND, BACKEND = "shop/frontend[Deployment]", "shop/backend[Deployment]"
EDITOR = "textarea[data-testid=editor-text]"


def shoot(browser, base: str, token: str, big: str) -> tuple[list[str], list[str]]:
    taken: list[str] = []
    failed: list[str] = []

    def save(page, name: str, graph: bool = False) -> None:
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        problems = page.evaluate(SIDEWAYS) + [
            p for p in page.evaluate(OVERLAPS) if "textarea[data-testid=editor-text]" not in p
        ]
        if graph:
            problems += page.evaluate(GRAPH_FITS)
        failed.extend(f"{name}: {p}" for p in problems)
        page.screenshot(path=str(OUT / name))
        taken.append(name)

    def settled(page, before: int) -> None:
        page.wait_for_function(
            """(n) => { const s = document.querySelector("[data-testid=draft]");
               return Number(s.dataset.evaluations || 0) > n && s.dataset.state === "shown"; }""",
            arg=before,
        )

    for width in WIDTHS:
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            page = context.new_page()
            suffix = ("" if width == WIDTHS[0] else f"-{width}") + (
                "" if scheme == "light" else "-dark"
            )
            page.goto(f"{base}/r/{token}/?tab=policies")
            page.wait_for_selector("[data-testid=draft][data-ready=true]", state="attached")
            page.locator('[data-policy="shop/frontend"] [data-testid=policy-edit]').click()
            page.wait_for_selector("[data-testid=draft-editor]:not([hidden])")
            area = page.locator(EDITOR)
            text = area.input_value()
            at = text.index("port: 8080") + len("port: ")
            area.evaluate("(a, r) => a.setSelectionRange(r[0], r[1])", [at, at + 4])
            area.focus()
            page.keyboard.type("8443")
            settled(page, 0)
            page.click("[data-testid=tab-matrix]")
            page.locator("[data-testid=draft]").scroll_into_view_if_needed()
            save(page, f"whatif-editor{suffix}.png")
            page.locator("[data-testid=draft-change] button").first.click()
            page.locator("[data-testid=draft-verdict]").wait_for()
            page.evaluate(
                """() => { const panel = document.querySelector("[data-testid=explanation-panel]");
                   panel.scrollTop = 0; panel.scrollIntoView({ block: "start" }); }"""
            )
            save(page, f"whatif-before-after{suffix}.png")
            page.locator("[data-testid=block-this]").click()
            page.locator("[data-testid=block-status]").wait_for()
            page.locator("[data-testid=whatif]").scroll_into_view_if_needed()
            save(page, f"whatif-block{suffix}.png")
            page.evaluate("(p) => window.netviz.openEdge(p[0], p[1])", [BACKEND, FRONTEND])
            page.locator("[data-testid=allow-this]").click()
            page.locator("[data-testid=allow-yaml]").wait_for()
            page.locator("[data-testid=whatif]").scroll_into_view_if_needed()
            save(page, f"whatif-allow{suffix}.png")
            page.click("[data-testid=generate-open]")
            page.locator("[data-testid=generate-ns]").select_option("shop")
            page.click("[data-testid=generate-run]")
            page.locator("[data-testid=generate-check]").wait_for()
            page.locator("[data-testid=generate]").scroll_into_view_if_needed()
            save(page, f"whatif-generate{suffix}.png")
            page.evaluate("() => localStorage.clear()")
            # The big review: a default deny for kube-system (its DNS closes for every workload).
            page.goto(f"{base}/r/{big}/")
            page.wait_for_selector("[data-testid=draft][data-ready=true]", state="attached")
            page.click("[data-testid=draft-new]")
            page.locator("[data-testid=draft-template]").select_option("deny")
            page.locator("[data-testid=draft-template-ns]").select_option("kube-system")
            page.click("[data-testid=draft-create]")
            settled(page, 0)
            page.click("[data-testid=tab-matrix]")
            page.wait_for_selector("[data-testid=matrix][data-mode=canvas]", state="attached")
            page.evaluate(
                "() => document.querySelector('[data-testid=matrix-draft-legend]').scrollIntoView()"
            )
            save(page, f"whatif-canvas-1000{suffix}.png")
            page.click("[data-testid=tab-graph]")
            page.wait_for_selector("[data-testid=graph][data-ready=true]")
            page.wait_for_selector("[data-testid=graph][data-diff-namespaces]", state="attached")
            page.evaluate(
                "() => document.querySelector('[data-testid=graph-draft-legend]').scrollIntoView()"
            )
            save(page, f"whatif-graph-1000-folded{suffix}.png", graph=True)
            context.close()
    return taken, failed


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    files = [(p.name, p.read_text()) for p in DEMO]
    reviews = [("Demo shop", files), ("1,000 workloads", generate(parse_spec("M")))]
    with serve(reviews) as (base, (token, big)), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        taken, failed = shoot(browser, base, token, big)
        browser.close()
    return report_shots(taken, failed)


if __name__ == "__main__":
    sys.exit(main())
