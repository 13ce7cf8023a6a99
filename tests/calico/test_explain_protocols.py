"""`explain --protocol` with ICMP, ICMPv6, UDPLite and protocol numbers (docs/protocols.md):
the same decision path as every other explanation; `--port` is the ICMP type."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from netviz.cli.explain import protocol_arg
from tests.calico.traps import gnp
from tests.conformance.e2e import e2e_model, manifest

# Ingress of pod a: ICMP echo requests (type 8) and GRE (47) denied, everything else allowed.
POLICY = gnp(
    "deny-ping",
    "  selector: pod == 'a'\n  ingress:\n"
    "  - {action: Deny, protocol: ICMP, icmp: {type: 8}}\n"
    "  - {action: Deny, protocol: 47}\n  - {action: Allow}\n",
)


def explain(tmp_path, *args: str, policy: str = POLICY) -> tuple[dict | str, str, int]:
    (tmp_path / "model.yaml").write_text(e2e_model())
    (tmp_path / "calico.yaml").write_text(manifest(policy))
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "explain", str(tmp_path), "--src", "y/b", "--dst", "x/a", *args,
            "--format", "json", stdout=out, stderr=err,
        )  # fmt: skip
        status = 0
    except CommandError as e:
        status = e.returncode
        err.write(str(e))
    text = out.getvalue()
    return (json.loads(text) if text else text), err.getvalue(), status


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("icmp", "ICMP"), ("ICMPv6", "ICMPv6"), ("udplite", "UDPLite"), ("47", 47),
        ("1", "ICMP"), ("58", "ICMPv6"), ("6", "TCP"), ("17", "UDP"), ("132", "SCTP"),
        ("tcp", "TCP"),
    ],
)  # fmt: skip
def test_it_reads_protocols_by_calicos_names_and_numbers(text, expected):
    assert protocol_arg(text) == expected


def test_it_denies_icmp_echo_requests_by_the_deny_rule(tmp_path):
    data, _, status = explain(tmp_path, "--protocol", "icmp", "--port", "8")
    assert status == 0
    assert data["asked"] == [
        {"protocol": "ICMP", "number": 1, "end_number": 1, "icmp_type": 8, "end_icmp_type": 8}
    ]
    assert data["allowed"] is False
    assert data["ports"] == []


def test_it_allows_icmp_echo_replies_and_icmpv6(tmp_path):
    reply, _, _ = explain(tmp_path, "--protocol", "ICMP", "--port", "0")
    assert reply["allowed"] is True
    v6, _, _ = explain(tmp_path, "--protocol", "58")
    assert v6["allowed"] is True
    assert v6["ports"] == [{"protocol": "ICMPv6", "number": 58, "end_number": 58}]


def test_all_of_icmp_is_allowed_only_in_part(tmp_path):
    data, _, _ = explain(tmp_path, "--protocol", "icmp")
    assert data["allowed"] is True
    assert {"protocol": "ICMP", "number": 1, "end_number": 1, "icmp_type": 8,
            "end_icmp_type": 8} not in data["ports"]  # fmt: skip
    assert data["ports"][0] == {
        "protocol": "ICMP", "number": 1, "end_number": 1, "icmp_type": 0, "end_icmp_type": 7
    }  # fmt: skip


def test_a_numbered_protocol_is_decided_by_its_rule(tmp_path):
    data, _, _ = explain(tmp_path, "--protocol", "47")
    assert data["allowed"] is False
    assert explain(tmp_path, "--protocol", "50")[0]["allowed"] is True
    assert explain(tmp_path, "--protocol", "udplite")[0]["allowed"] is True


def test_a_port_with_a_protocol_matched_as_a_whole_is_a_usage_error(tmp_path):
    _, err, status = explain(tmp_path, "--protocol", "47", "--port", "1")
    assert status == 2
    assert "as a whole" in err


def test_an_icmp_type_above_255_is_a_usage_error(tmp_path):
    _, err, status = explain(tmp_path, "--protocol", "icmp", "--port", "256")
    assert status == 2
    assert "ICMP types" in err


def test_icmp_on_input_without_the_protocol_dimension_is_a_usage_error(tmp_path):
    tcp_only = gnp(
        "tcp", "  selector: pod == 'a'\n  ingress:\n  - {action: Allow, protocol: TCP}\n"
    )
    _, err, status = explain(tmp_path, "--protocol", "icmp", policy=tcp_only)
    assert status == 2
    assert "does not model it" in err


def test_an_unknown_protocol_is_a_usage_error(tmp_path):
    _, err, status = explain(tmp_path, "--protocol", "gre")
    assert status == 2
    assert "--protocol" in err


def test_tcp_port_zero_is_still_a_usage_error(tmp_path):
    _, err, status = explain(tmp_path, "--port", "0")
    assert status == 2
    assert "--port" in err
