"""analyze and explain in-process (call_command): options, streams and usage errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from netviz.web.management.commands.explain import asked_ports, port_range

SHOP = Path(__file__).resolve().parents[1] / "golden" / "shop" / "input"
BROKEN = Path(__file__).resolve().parents[1] / "golden" / "broken" / "input"


def run(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except CommandError as e:
        status = e.returncode
        err.write(str(e))
    return out.getvalue(), err.getvalue(), status


def test_output_option_writes_the_same_bytes_as_stdout(tmp_path):
    target = tmp_path / "out.dot"
    stdout, _, status = run("analyze", str(SHOP), "--format", "dot", "--output", str(target))
    assert (stdout, status) == ("", 0)
    printed, _, _ = run("analyze", str(SHOP), "--format", "dot")
    assert target.read_bytes() == printed.encode()


def test_an_unwritable_output_file_is_a_usage_error(tmp_path):
    _, err, status = run("analyze", str(SHOP), "--output", str(tmp_path / "no" / "dir" / "x"))
    assert status == 2
    assert "cannot write" in err


def test_a_bad_flag_in_process_is_a_usage_error_too():
    _, err, status = run("analyze", str(SHOP), "--format", "xml")
    assert status == 2
    assert "invalid choice" in err


def test_text_mode_puts_problems_on_stderr_and_connections_on_stdout():
    stdout, stderr, status = run("analyze", str(BROKEN))
    assert status == 1
    assert "error" not in stdout.lower()
    assert "policies.yaml:" in stderr


def test_verbosity_0_keeps_warnings_off_stderr_but_not_errors():
    _, loud, _ = run("analyze", str(BROKEN))
    _, quiet, _ = run("analyze", str(BROKEN), "--verbosity", "0")
    assert ": warning: " in loud and ": warning: " not in quiet
    assert ": error: " in quiet


def test_json_and_markdown_carry_the_problems_inside_the_document():
    stdout, stderr, status = run("analyze", str(BROKEN), "--format", "json")
    data = json.loads(stdout)
    assert status == 1 and data["errors"] and data["warnings"]
    assert all(p["severity"] == "error" for p in data["errors"])
    md, _, _ = run("analyze", str(BROKEN), "--format", "md")
    assert "### Errors" in md


def test_explain_json_adds_the_input_problems():
    stdout, _, status = run(
        "explain", str(BROKEN), "--src", "demo/client", "--dst", "demo/web", "--format", "json"
    )
    data = json.loads(stdout)
    assert status == 1
    assert data["errors"] and data["warnings"]
    assert data["allowed"] is True


def test_explain_with_a_protocol_alone_asks_every_port_of_that_protocol():
    stdout, _, status = run(
        "explain",
        str(SHOP),
        "--src",
        "shop/api",
        "--dst",
        "shop/postgres",
        "--protocol",
        "udp",
        "--format",
        "json",
    )
    data = json.loads(stdout)
    assert status == 0
    assert data["asked"] == [{"protocol": "UDP", "port": 1, "end_port": 65535}]
    assert data["allowed"] is False


@pytest.mark.parametrize(("text", "expected"), [("80", (80, 80)), ("8000-8080", (8000, 8080))])
def test_a_port_is_a_number_or_a_range(text, expected):
    assert port_range(text) == expected


@pytest.mark.parametrize("text", ["0", "65536", "90-80", "http", "80-", "-80"])
def test_bad_ports_are_usage_errors(text):
    _, err, status = run(
        "explain", str(SHOP), "--src", "shop/api", "--dst", "shop/api", "--port", text
    )
    assert status == 2, err
    assert "--port" in err


def test_a_port_without_a_protocol_means_tcp_and_neither_means_everything():
    assert str(asked_ports(None, (53, 53))) == "TCP 53"
    assert str(asked_ports("SCTP", None)) == "SCTP 1-65535"
    assert asked_ports(None, None) is None


def test_an_unknown_endpoint_is_a_usage_error_with_the_engines_message():
    _, err, status = run("explain", str(SHOP), "--src", "shop/frontend", "--dst", "nowhere/x")
    assert status == 2
    assert err.startswith("error: ") and "nowhere/x" in err


def test_an_input_with_nothing_in_it_warns_on_stderr_but_is_not_an_error(tmp_path):
    (tmp_path / "notes.yaml").write_text("# nothing here yet\n")
    stdout, stderr, status = run("analyze", str(tmp_path))
    assert status == 0
    assert stdout == "No workloads in the input, so no connections.\n"
    assert "no workloads or NetworkPolicies found" in stderr
