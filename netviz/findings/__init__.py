"""Findings: what a reviewer should worry about (lint checks), exposure and blast radius.

Pure Python, no Django. Public entry points:
    run_checks(cluster, evaluator) -> list[Finding]
    exposure(evaluator) -> list[Exposure]                      one per endpoint
    blast_radius(evaluator, endpoint_id, reverse=False) -> BlastRadius
    findings_to_json(findings) -> list[dict]; count_by_severity(findings) -> dict
"""

from netviz.findings.blast import blast_radius
from netviz.findings.checks import CHECK_IDS, CHECKS, run_checks
from netviz.findings.exposure import exposure
from netviz.findings.model import (
    LEVELS,
    SEVERITIES,
    BlastRadius,
    Exposure,
    Finding,
    Reach,
    Subject,
    at_or_above,
    count_by_severity,
    findings_to_json,
)

__all__ = [
    "CHECKS",
    "CHECK_IDS",
    "LEVELS",
    "SEVERITIES",
    "BlastRadius",
    "Exposure",
    "Finding",
    "Reach",
    "Subject",
    "at_or_above",
    "blast_radius",
    "count_by_severity",
    "exposure",
    "findings_to_json",
    "run_checks",
]
