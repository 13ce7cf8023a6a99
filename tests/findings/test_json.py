"""Findings as JSON, exactly: the shape the web app and `lint --format json` hand out."""

from __future__ import annotations

from netviz.engine import Evaluator
from netviz.findings import count_by_severity, findings_to_json, run_checks
from netviz.k8s import load_texts

DEMO = """\
apiVersion: v1
kind: Namespace
metadata: {name: demo}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: demo, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: demo}
spec:
  podSelector: {matchLabels: {app: wbe}}
  ingress:
    - from: [{podSelector: {}}]
"""


def test_it_gives_findings_as_exact_json():
    cluster = load_texts([("demo.yaml", DEMO)])
    findings = run_checks(
        cluster, Evaluator(cluster), only=("default-deny-ingress", "policy-selects-nothing")
    )
    assert findings_to_json(findings) == [
        {
            "id": "namespace-without-default-deny-ingress:demo",
            "check": "namespace-without-default-deny-ingress",
            "severity": "warning",
            "message": (
                "Namespace demo has no default-deny Ingress policy: its only endpoint is not "
                "isolated for ingress, and pods added later will not be isolated."
            ),
            "subjects": [
                {
                    "kind": "Namespace",
                    "namespace": None,
                    "name": "demo",
                    "file": "demo.yaml",
                    "line": 1,
                    "path": "",
                }
            ],
            "data": {"namespace": "demo", "direction": "ingress", "endpoints": 1, "unprotected": 1},
            "fix_yaml": (
                "apiVersion: networking.k8s.io/v1\n"
                "kind: NetworkPolicy\n"
                "metadata:\n"
                "  name: default-deny-ingress\n"
                "  namespace: demo\n"
                "spec:\n"
                "  podSelector: {}\n"
                "  policyTypes:\n"
                "    - Ingress\n"
            ),
        },
        {
            "id": "policy-selects-nothing:demo/web",
            "check": "policy-selects-nothing",
            "severity": "warning",
            "message": (
                "Policy demo/web selects no endpoint: its podSelector matches no endpoint of its "
                "namespace. Did you mean app=web?"
            ),
            "subjects": [
                {
                    "kind": "NetworkPolicy",
                    "namespace": "demo",
                    "name": "web",
                    "file": "demo.yaml",
                    "line": 10,
                    "path": "",
                }
            ],
            "data": {"policy": "demo/web", "reason": "no-match", "suggestions": ["app=web"]},
            "fix_yaml": None,
        },
    ]
    assert count_by_severity(findings) == {"info": 0, "warning": 2, "danger": 0}


def test_it_forgets_an_evaluator_once_nobody_holds_it():
    import gc
    import weakref

    from netviz.findings import blast, exposure, facts

    cluster = load_texts([("demo.yaml", DEMO)])
    evaluator = Evaluator(cluster)
    run_checks(cluster, evaluator)
    exposure(evaluator)
    blast.blast_radius(evaluator, "demo/web")
    assert evaluator in facts._FACTS and evaluator in blast._GRAPHS
    gone = weakref.ref(evaluator)
    del evaluator
    gc.collect()
    assert gone() is None
