"""The exports (`netviz analyze` formats, the same the web downloads serve) list the
cluster-scoped policies in evaluation order, and only when there are some."""

from __future__ import annotations

import csv
import io
import json

from netviz.engine import Evaluator
from netviz.formats import render_connections
from netviz.k8s import load_texts

from .model import model
from .test_traps import FROM_G, HUFFLEPUFF, NP_ALLOW_G_TO_H, cnp

ADMIN = "---\n".join(
    [
        cnp("late", "Admin", 20, HUFFLEPUFF, "  - name: pass-g\n    action: Pass\n" + FROM_G),
        cnp("early", "Admin", 5, HUFFLEPUFF, "  - name: deny-g\n    action: Deny\n" + FROM_G),
        cnp("base", "Baseline", 1, HUFFLEPUFF, "  - action: Deny\n" + FROM_G),
        """apiVersion: policy.networking.k8s.io/v1alpha1
kind: BaselineAdminNetworkPolicy
metadata: {name: default}
spec:
  subject: {namespaces: {}}
  egress: [{action: Allow, to: [{namespaces: {}}]}]
""",
    ]
)


def outputs(admin: str = ADMIN) -> dict[str, str]:
    files = [("model.yaml", model()), ("np.yaml", NP_ALLOW_G_TO_H)]
    if admin:
        files.append(("admin.yaml", admin))
    cluster = load_texts(files)
    analysis = Evaluator(cluster).analysis()
    return {
        fmt: render_connections(analysis, cluster.problems, fmt)
        for fmt in ("json", "text", "md", "csv")
    }


def test_the_json_lists_tiered_policies_in_evaluation_order_beside_the_networkpolicies():
    doc = json.loads(outputs()["json"])
    assert [p["id"] for p in doc["policies"]] == ["hufflepuff/allow-gryffindor"]  # unchanged
    tiered = doc["tiered_policies"]
    assert [p["id"] for p in tiered] == [
        "ClusterNetworkPolicy/early",
        "ClusterNetworkPolicy/late",
        "ClusterNetworkPolicy/base",
        "BaselineAdminNetworkPolicy/default",
    ]
    early = tiered[0]
    assert early["tier"] == "Admin" and early["priority"] == 5
    assert early["api_version"] == "policy.networking.k8s.io/v1alpha2"
    assert early["file"] == "admin.yaml" and early["line"] > 0
    assert early["policy_types"] == ["ingress"]
    assert early["rules"] == [
        {
            "direction": "ingress",
            "index": 0,
            "name": "deny-g",
            "action": "deny",
            "written": "Deny",
            "line": early["rules"][0]["line"],
        }
    ]
    assert tiered[3]["priority"] is None  # the BaselineAdminNetworkPolicy has none
    assert tiered[3]["rules"][0]["written"] == "Allow"
    assert doc["summary"]["tiered_policies"] == 4 and doc["summary"]["policies"] == 1


def test_text_and_markdown_have_a_section_of_cluster_scoped_policies():
    out = outputs()
    text = out["text"]
    section = text.index("Cluster-scoped policies:")
    assert "  - [Admin] ClusterNetworkPolicy/early (priority 5): ingress Deny (admin.yaml:" in text
    assert text.index("ClusterNetworkPolicy/early (") < text.index("ClusterNetworkPolicy/late (")
    assert "  - [Baseline] BaselineAdminNetworkPolicy/default: egress Allow (admin.yaml:" in text
    assert section > text.index(" => ")  # after the connections
    md = out["md"]
    assert "### Cluster-scoped policies" in md
    assert "- [Admin] ClusterNetworkPolicy/late (priority 20): ingress Pass (admin.yaml:" in md


def test_the_csv_stays_a_table_of_connections():
    rows = list(csv.reader(io.StringIO(outputs()["csv"])))
    assert rows[0] == ["src", "dst", "connection"]
    assert all(len(r) == 3 for r in rows)


def test_networkpolicy_only_output_has_no_tiered_keys_or_section():
    out = outputs(admin="")
    doc = json.loads(out["json"])
    assert "tiered_policies" not in doc and "tiered_policies" not in doc["summary"]
    assert "Cluster-scoped policies" not in out["text"] + out["md"]
