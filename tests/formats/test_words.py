"""The wording of rule references, caveats and problems."""

from __future__ import annotations

import subprocess
import sys

from netviz.engine.result import Caveat, RuleRef
from netviz.formats import describe_caveat, describe_rule
from netviz.formats.words import describe_problem
from netviz.k8s.model import Problem, Source


def test_a_rule_reference_names_policy_direction_indexes_and_location():
    ref = RuleRef("x", "allow-web", "ingress", 0, 1, 0, "policies.yaml", 14)
    assert describe_rule(ref) == "x/allow-web ingress rule 0, from[1], ports[0] (policies.yaml:14)"


def test_a_rule_without_peers_or_ports_or_file_leaves_those_parts_out():
    assert describe_rule(RuleRef("x", "a", "egress", 2)) == "x/a egress rule 2"
    assert describe_rule(RuleRef("x", "a", "egress", 2, 3, None, "", 9)) == (
        "x/a egress rule 2, to[3] (line 9)"
    )


def test_a_host_network_caveat_names_the_endpoint_and_both_readings():
    text = describe_caveat(Caveat("host-network-pod", "kube-system/agent[DaemonSet]"))
    assert text.startswith("kube-system/agent[DaemonSet] uses the host network;")
    assert "never isolated" in text and "some network plugins" in text


def test_an_unknown_caveat_code_still_shows_everything_it_carries():
    caveat = Caveat("new-code", "a/b[Pod]", "a/p", None, "10.0.0.1")  # type: ignore[arg-type]
    assert describe_caveat(caveat) == "a/b[Pod]: new-code (a/p): 10.0.0.1"


def test_a_problem_on_an_unreadable_path_has_no_line_or_document():
    problem = Problem("error", "no such file", Source("missing.yaml", 0, 0))
    assert describe_problem(problem) == "missing.yaml: error: no such file"


def test_formatters_import_without_django():
    code = "import sys, netviz.formats; assert 'django' not in sys.modules, sorted(sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
