"""Kustomize and Helm inputs: recognised and explained, never analysed as if they were manifests.

A kustomization's `namespace:`, `namePrefix:`, labels and patches change what the policies select;
a Helm template is not YAML until `helm template` renders it. Either way the message says what to
run and what it would change.
"""

from __future__ import annotations

import os
import re

KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "kustomization")
CHART_NAMES = ("Chart.yaml", "Chart.yml")
VALUES_NAMES = ("values.yaml", "values.yml")
# Actions of Go templates as Helm charts write them; `{{` alone also appears in ConfigMaps that
# hold other templates (alerting rules), so only Helm's own vocabulary counts.
_HELM_ACTION = re.compile(
    r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\.Files|\.Template|include\s|"
    r"template\s|toYaml|tpl\s|required\s|default\s|define\s|if\s|else\b|end\b|range\s|with\s|"
    r"\$[A-Za-z_]*\s*:?=|/\*)"
)
# Kustomization fields that change what ends up in the cluster, with how to say it.
_CHANGES = (
    ("namespace", "sets namespace {value!r} on every object"),
    ("namePrefix", "prefixes every name with {value!r}"),
    ("nameSuffix", "suffixes every name with {value!r}"),
    ("commonLabels", "adds labels {value} to objects and selectors"),
    ("labels", "adds labels ({count} set)"),
    ("patches", "applies {count} patch(es)"),
    ("patchesStrategicMerge", "applies {count} strategic-merge patch(es)"),
    ("patchesJson6902", "applies {count} JSON patch(es)"),
    ("replicas", "changes replica counts ({count})"),
    ("replacements", "makes {count} replacement(s)"),
    ("components", "adds {count} component(s)"),
    ("helmCharts", "renders {count} Helm chart(s)"),
    ("resources", "builds from {count} resource(s)"),
)


def is_kustomization(file: str) -> bool:
    return os.path.basename(file).lower() in KUSTOMIZATION_NAMES


def is_chart(file: str) -> bool:
    return os.path.basename(file) in CHART_NAMES


def helm_action_line(text: str) -> int:
    """Line (1-based) of the first Helm template action in `text`, 0 when there is none."""
    match = _HELM_ACTION.search(text)
    if match is None:
        return 0
    return text.count("\n", 0, match.start()) + 1


def folder(file: str) -> str:
    return os.path.dirname(file) or "."


def kustomization_problem(file: str, value: object) -> tuple[str, str]:
    """(severity, message) for a kustomization file's content.

    An error when it would change names, namespaces, labels or objects (the manifests read as
    they are would then give a wrong answer), a warning when it only lists them.
    """
    changes: list[str] = []
    relevant = False
    if isinstance(value, dict):
        for key, template in _CHANGES:
            if key not in value:
                continue
            item = value[key]
            count = len(item) if isinstance(item, list | dict) else 1
            changes.append(template.format(value=item, count=count))
            relevant = relevant or key != "resources"
    what = "; ".join(changes) if changes else "nothing this file says"
    message = (
        f"{os.path.basename(file)} is a Kustomize build, not a manifest: run "
        f"`kubectl kustomize {folder(file)}` and analyse its output instead "
        f"(kubectl kustomize {folder(file)} | manage.py analyze -). It {what}; the manifests "
        "here are read as they are, without it"
    )
    return ("error" if relevant else "warning"), message


def helm_template_message(file: str, line: int) -> str:
    return (
        f"Helm template syntax ({{{{ ... }}}}) at line {line}: this is a chart template, not a "
        "manifest, and is not analysed. Run `helm template NAME CHART` (NAME: a release name, "
        "CHART: the chart's folder) and analyse its output: the values, the release name and "
        "namespace decide what it renders"
    )


def chart_message(file: str) -> str:
    return (
        f"{folder(file)} is a Helm chart ({os.path.basename(file)}): its templates are not "
        f"analysed. Run `helm template NAME {folder(file)}` and analyse its output: the values, "
        "the release name and namespace decide names, labels and selectors"
    )
