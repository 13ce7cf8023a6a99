"""Compare two analyses: connections added, removed and changed, endpoints and policies too.

Pure Python, no Django. `snapshot(analysis, cluster)` turns an Analysis into plain JSON-able data
(what the web app stores per revision); `compare(old, new)` diffs two snapshots; `render_diff`
prints the result as text, json or md.
"""

from netviz.diff.compare import compare, summary
from netviz.diff.render import DIFF_FORMATS, render_diff
from netviz.diff.snapshot import SNAPSHOT_VERSION, snapshot

__all__ = ["DIFF_FORMATS", "SNAPSHOT_VERSION", "compare", "render_diff", "snapshot", "summary"]
