"""Screenshots of the review page's views for the README: `make screenshots` → docs/screenshots/.

Serves the demo review (and a generated 1,000-workload one for the big views) on a throwaway
server and photographs each view in headless Chromium at 1440 and 800 px, light and dark
(`<view>.png`, `<view>-dark.png`, `<view>-800.png`, `<view>-800-dark.png`). Each state is first
put through the visual check of tests/browser/test_layout.py (no overlapping text, no sideways
scroll, graph nodes inside the graph); a state that fails is reported and the script exits 1.
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
HEIGHT = 900
DEMO = sorted((ROOT / "netviz" / "web" / "demo").glob("*.yaml"))
WIDTHS = (1440, 800)
SCHEMES = ("light", "dark")


def ready(page) -> None:
    # A selector, not wait_for_function: the page CSP forbids the eval that one polls with.
    page.wait_for_selector("[data-testid=explore][data-ready=true]", state="attached")


def to_view(page, tab: str) -> None:
    page.locator(f"[data-testid=panel-{tab}]").scroll_into_view_if_needed()
    page.evaluate("() => document.getElementById('explore').scrollIntoView()")


def shoot(browser, base: str, demo: str, big: str) -> tuple[list[str], list[str]]:
    taken: list[str] = []
    failed: list[str] = []

    def save(page, name: str, graph: bool = False, full_page: bool = False) -> None:
        page.evaluate(
            "() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))"
        )
        problems = page.evaluate(SIDEWAYS) + page.evaluate(OVERLAPS)
        if graph:
            problems += page.evaluate(GRAPH_FITS)
        failed.extend(f"{name}: {p}" for p in problems)
        page.screenshot(path=str(OUT / name), full_page=full_page)
        taken.append(name)

    for width in WIDTHS:
        for scheme in SCHEMES:
            context = browser.new_context(
                viewport={"width": width, "height": HEIGHT},
                color_scheme=scheme,
                device_scale_factor=1,
            )
            page = context.new_page()
            suffix = ("" if width == WIDTHS[0] else f"-{width}") + (
                "" if scheme == "light" else "-dark"
            )
            page.goto(f"{base}/r/{demo}/")
            ready(page)
            # A cell allowed on some ports: its explanation shows rules in their YAML.
            page.locator("td[data-state=some]").first.click()
            page.locator("[data-testid=explanation-panel] [data-testid=explanation]").wait_for()
            to_view(page, "matrix")
            save(page, f"matrix-explanation{suffix}.png")
            if width < WIDTHS[0]:
                # Narrow: the panel sits below the view; show it too.
                page.locator("[data-testid=explanation-panel]").scroll_into_view_if_needed()
                save(page, f"explanation-panel{suffix}.png")
            page.click("[data-testid=tab-graph]")
            page.wait_for_selector("[data-testid=graph][data-ready=true]")
            page.wait_for_timeout(200)
            to_view(page, "graph")
            save(page, f"graph{suffix}.png", graph=True)
            page.click("[data-testid=tab-policies]")
            page.wait_for_selector("[data-testid=panel-policies] [data-testid=policy]")
            to_view(page, "policies")
            save(page, f"policies{suffix}.png")
            page.click("[data-testid=tab-findings]")
            page.wait_for_selector("[data-testid=panel-findings] [data-testid=findings]")
            to_view(page, "findings")
            save(page, f"findings{suffix}.png")
            row = page.locator("[data-testid=connection]", has_not_text="All Connections").first
            href = row.locator("[data-testid=why-link]").get_attribute("href")
            page.goto(f"{base}{href}")
            save(page, f"edge-page{suffix}.png")
            page.goto(f"{base}/r/{big}/")
            ready(page)
            to_view(page, "matrix")
            save(page, f"matrix-1000{suffix}.png")
            page.goto(f"{base}/r/{big}/?tab=graph")
            page.wait_for_selector("[data-testid=graph][data-ready=true]")
            to_view(page, "graph")
            save(page, f"graph-1000-folded{suffix}.png", graph=True)
            context.close()
    return taken, failed


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    demo_files = [(p.name, p.read_text()) for p in DEMO]
    reviews = [("Demo shop", demo_files), ("1,000 workloads", generate(parse_spec("M")))]
    with serve(reviews) as (base, (demo, big)), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        taken, failed = shoot(browser, base, demo, big)
        browser.close()
    return report_shots(taken, failed)


if __name__ == "__main__":
    sys.exit(main())
