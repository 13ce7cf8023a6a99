"""The CLI reads local files without the web upload caps, but keeps the YAML bomb limits."""

from __future__ import annotations

import io
import json

from django.core.management import CommandError, call_command

from netviz.k8s import Limits


def run(*args: str) -> tuple[str, str, int]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        status = 0
    except CommandError as e:
        status = e.returncode
        err.write(str(e))
    return out.getvalue(), err.getvalue(), status


def test_it_reads_more_documents_than_an_upload_may_hold(tmp_path):
    count = Limits().max_documents + 1
    # Policies, not pods: 20,001 pods would be 400 million connections.
    policy = "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
    docs = "".join(
        f"{policy}metadata: {{name: p{i}}}\nspec: {{podSelector: {{}}}}\n" for i in range(count)
    )
    (tmp_path / "policies.yaml").write_text(docs)
    out, err, status = run("analyze", str(tmp_path), "--format", "json")
    assert status == 0, err
    assert json.loads(out)["summary"]["policies"] == count


def test_it_still_refuses_an_alias_bomb(tmp_path):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 12)]
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n")
    _, err, status = run("analyze", str(tmp_path))
    assert status == 1
    assert "alias" in err.lower()
