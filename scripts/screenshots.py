"""Screenshots of the review page's views for the README: `make screenshots` → docs/screenshots/.

Serves the demo review (and a generated 1,000-workload one for the big matrix) on a throwaway
server and photographs each view in headless Chromium, light and dark.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.generate import generate, parse_spec  # noqa: E402
from bench.live import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
VIEW_H = 1150
DEMO = sorted((ROOT / "netviz" / "web" / "demo").glob("*.yaml"))


def ready(page) -> None:
    # A selector, not wait_for_function: the page CSP forbids the eval that one polls with.
    page.wait_for_selector("[data-testid=matrix][data-drawn=true]", state="attached")


def shoot(browser, base: str, demo: str, big: str) -> list[str]:
    taken = []

    def save(page, name: str, **kwargs) -> None:
        page.screenshot(path=str(OUT / name), **kwargs)
        taken.append(name)

    for scheme in ("light", "dark"):
        context = browser.new_context(
            viewport={"width": 1400, "height": VIEW_H}, color_scheme=scheme, device_scale_factor=1
        )
        page = context.new_page()
        suffix = "" if scheme == "light" else "-dark"
        page.goto(f"{base}/r/{demo}/")
        ready(page)
        page.locator("[data-testid=explore]").scroll_into_view_if_needed()
        cell = page.locator("td[data-state=some]").first
        cell.click()
        page.locator("[data-testid=explanation-panel] [data-testid=explanation]").wait_for()
        save(page, f"matrix-explanation{suffix}.png", full_page=False, clip=_clip(page))
        if scheme == "dark":
            context.close()
            continue
        page.click("[data-testid=tab-graph]")
        page.wait_for_selector("[data-testid=graph][data-ready=true]")
        page.click("[data-close-panel]")
        page.wait_for_timeout(300)
        page.locator("[data-testid=panel-graph]").screenshot(path=str(OUT / "graph.png"))
        taken.append("graph.png")
        page.click("[data-testid=tab-policies]")
        page.wait_for_selector("[data-testid=panel-policies] [data-testid=policy]")
        save(page, "policies.png", clip=_clip(page))
        page.click("[data-testid=tab-findings]")
        page.wait_for_selector("[data-testid=panel-findings] [data-testid=findings]")
        save(page, "findings.png", clip=_clip(page))
        page.goto(f"{base}/r/{demo}/?tab=matrix")
        ready(page)
        # A connection on some ports only: its explanation shows rules in their YAML.
        row = page.locator("[data-testid=connection]", has_not_text="All Connections").first
        href = row.locator("[data-testid=why-link]").get_attribute("href")
        page.goto(f"{base}{href}")
        save(page, "edge-page.png", full_page=True)
        page.goto(f"{base}/r/{big}/")
        ready(page)
        page.locator("[data-testid=explore]").scroll_into_view_if_needed()
        save(page, "matrix-1000.png", clip=_clip(page))
        page.goto(f"{base}/r/{big}/?tab=graph")
        page.wait_for_selector("[data-testid=graph][data-ready=true]")
        page.locator("[data-testid=panel-graph]").screenshot(
            path=str(OUT / "graph-1000-folded.png")
        )
        taken.append("graph-1000-folded.png")
        context.close()
    return taken


def _clip(page) -> dict:
    """The explore section from its top, as much of it as the window shows."""
    box = page.locator("[data-testid=explore]").bounding_box()
    return {"x": 0, "y": box["y"], "width": 1400, "height": min(box["height"], VIEW_H - box["y"])}


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    demo_files = [(p.name, p.read_text()) for p in DEMO]
    reviews = [("Demo shop", demo_files), ("1,000 workloads", generate(parse_spec("M")))]
    with serve(reviews) as (base, (demo, big)), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for name in shoot(browser, base, demo, big):
            print(f"docs/screenshots/{name}")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
