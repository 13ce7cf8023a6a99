"""The connectivity engine: pure Python, no Django. Cluster in, Analysis and explanations out.

Public entry points (implemented in netviz.engine.evaluate):
    Evaluator(cluster)                  compile once
    Evaluator.analysis() -> Analysis    every allowed connection, with grants and caveats
    Evaluator.explain(src, dst, asked=None) -> Explanation
    Evaluator.resolve(ref) -> str       "ns/name", "ns/name[Kind]" or an IP → endpoint id
    Evaluator.graph() -> networkx.DiGraph
"""

from netviz.engine.evaluate import Evaluator, UnknownEndpoint

__all__ = ["Evaluator", "UnknownEndpoint"]
