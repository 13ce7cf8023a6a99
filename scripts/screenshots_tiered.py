"""Screenshots of tiered verdicts in the graph: `python scripts/screenshots_tiered.py` →
docs/screenshots/tiered-graph-*.png at 1440 and 800 px, light and dark.

The upstream-like layout of tests/tiered/model.py with an Admin Deny (gryffindor → hufflepuff)
and an Admin Accept (ravenclaw → hufflepuff UDP 53), on a throwaway server: hufflepuff-0
selected, its admin denials drawn as purple dashed ✕ lines. And tiered-domains-*.png: the same
layout with domainNames endpoints, hufflepuff-0 selected. Each state goes through the visual
checks of tests/browser/layout_check.py first.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.live import CHROMIUM, CHROMIUM_ARGS, report_shots, serve  # noqa: E402
from tests.browser.layout_check import OVERLAPS, SIDEWAYS  # noqa: E402
from tests.tiered.model import model, sts  # noqa: E402
from tests.tiered.test_traps import (  # noqa: E402
    ACCEPT_R,
    DENY_G,
    HUFFLEPUFF,
    NP_ALLOW_G_TO_H,
    cnp,
)

OUT = ROOT / "docs" / "screenshots"
WIDTHS = (1440, 800)
DOMAINS = cnp(
    "allow-api",
    "Admin",
    10,
    HUFFLEPUFF,
    egress="  - action: Accept\n    to: [{domainNames: ['*.example.com', api.example.com]}]\n"
    "    protocols: [{tcp: {destinationPort: {number: 443}}}]\n"
    "  - action: Deny\n    to: [{networks: [0.0.0.0/0]}]\n",
)
WHERE = """(id) => { const cy = window.netviz.graph.cy; const box = cy.container().getBoundingClientRect();
  const p = cy.nodes().filter((n) => n.data("endpoint") === id)[0].renderedPosition();
  return [box.left + p.x, box.top + p.y]; }"""


def shoot(browser, base: str, token: str, stem: str) -> tuple[list[str], list[str]]:
    taken: list[str] = []
    failed: list[str] = []
    for width in WIDTHS:
        for scheme in ("light", "dark"):
            context = browser.new_context(
                viewport={"width": width, "height": 900}, color_scheme=scheme
            )
            page = context.new_page()
            page.goto(f"{base}/r/{token}/?tab=graph")
            page.wait_for_selector("[data-testid=graph][data-ready=true]")
            page.locator("[data-testid=graph]").scroll_into_view_if_needed()
            node, settled = None, 0
            for _ in range(100):
                page.wait_for_timeout(100)
                now = page.evaluate(WHERE, sts("hufflepuff"))
                settled = settled + 1 if now == node else 0
                node = now
                if settled == 3:
                    break
            page.mouse.click(*node)
            page.wait_for_function(
                "(id) => document.querySelector('[data-testid=graph-status]').textContent"
                ".startsWith(id + ' reaches')",
                arg=sts("hufflepuff"),
            )
            page.mouse.move(1, 1)  # no tooltip in the picture
            page.wait_for_selector("[data-testid=graph-tip]", state="hidden")
            page.wait_for_timeout(200)
            name = stem + ("" if width == WIDTHS[0] else f"-{width}")
            name += ("" if scheme == "light" else "-dark") + ".png"
            failed.extend(f"{name}: {p}" for p in page.evaluate(SIDEWAYS) + page.evaluate(OVERLAPS))
            page.evaluate(
                "() => document.querySelector('[data-testid=graph]').scrollIntoView({block: 'end'})"
            )
            page.screenshot(path=str(OUT / name))
            taken.append(name)
            context.close()
    return taken, failed


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    files = [
        ("model.yaml", model()),
        ("np.yaml", NP_ALLOW_G_TO_H),
        ("admin.yaml", DENY_G + "---\n" + ACCEPT_R),
    ]
    domains = [("model.yaml", model()), ("admin.yaml", DOMAINS)]
    reviews = [("Tiered", files), ("Domains", domains)]
    with serve(reviews) as (base, (token, named)), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        taken, failed = shoot(browser, base, token, "tiered-graph")
        more = shoot(browser, base, named, "tiered-domains")
        taken, failed = taken + more[0], failed + more[1]
        browser.close()
    return report_shots(taken, failed)


if __name__ == "__main__":
    sys.exit(main())
