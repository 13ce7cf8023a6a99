"""Reading files: streams, Lists, JSON, stdin, directories, and hostile input within the limits."""

from __future__ import annotations

import io
import json
import sys
import time
import tracemalloc

from netviz.k8s import Limits, load_paths, load_texts

from .helpers import load, policy_doc

POD = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n"


def test_it_reads_every_document_of_a_multi_document_stream_with_index_and_line():
    text = (
        POD.format(name="a")
        + "---\n"
        + POD.format(name="b")
        + "---\n# comment\n"
        + POD.format(name="c")
    )
    cluster = load(text)
    assert [(e.name, e.source.doc, e.source.line) for e in cluster.endpoints] == [
        ("a", 1, 1),
        ("b", 2, 6),
        ("c", 3, 12),
    ]
    assert cluster.problems == ()


def test_list_items_are_documents_of_their_own_with_the_lists_index_and_their_line():
    text = """
    apiVersion: v1
    kind: Namespace
    metadata: {name: x}
    ---
    apiVersion: v1
    items:
    - apiVersion: v1
      kind: Pod
      metadata: {name: a}
    - apiVersion: networking.k8s.io/v1
      kind: NetworkPolicy
      metadata: {name: p}
      spec:
        podSelector: {}
    kind: List
    metadata:
      resourceVersion: ""
    """
    cluster = load(text)
    assert [(e.name, e.source.doc, e.source.line) for e in cluster.endpoints] == [("a", 2, 7)]
    (policy,) = cluster.policies
    assert (policy.source.doc, policy.source.line) == (2, 10)
    assert policy.text.splitlines()[0] == "- apiVersion: networking.k8s.io/v1"
    assert policy.text.splitlines()[-1] == "    podSelector: {}"


def test_typed_lists_like_pod_list_are_expanded_too():
    text = "apiVersion: v1\nkind: PodList\nitems:\n- {apiVersion: v1, kind: Pod, metadata: {name: a}}\n"
    assert [e.name for e in load(text).endpoints] == ["a"]


def test_json_input_is_read_with_lines():
    doc = {
        "apiVersion": "v1",
        "kind": "List",
        "items": [
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "labels": {"app": "a"}}},
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b", "labels": {"n": "1e3"}}},
        ],
    }
    cluster = load_texts([("pods.json", json.dumps(doc, indent=2))])
    assert [(e.name, e.source.line) for e in cluster.endpoints] == [("a", 5), ("b", 15)]
    assert cluster.endpoints[1].labels == {"n": "1e3"}
    assert cluster.problems == ()


def test_json_that_yaml_cannot_read_is_still_read_on_line_one():
    text = '{\n\t"apiVersion": "v1",\n\t"kind": "Pod",\n\t"metadata": {"name": "a"}\n}'
    cluster = load_texts([("pod.json", text)])
    assert [(e.name, e.source.line) for e in cluster.endpoints] == [("a", 1)]


def test_broken_json_is_an_error_with_its_line():
    cluster = load_texts([("bad.json", '{\n "kind": "Pod",\n "x": [1,\n}')])
    (error,) = cluster.errors
    assert error.source.file == "bad.json" and error.source.line == 4


def test_stdin_is_read_for_a_dash(monkeypatch):
    data = (POD.format(name="from-stdin")).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    cluster = load_paths(["-"])
    assert [e.name for e in cluster.endpoints] == ["from-stdin"]
    assert cluster.endpoints[0].source.file == "<stdin>"


def test_directories_are_read_recursively_in_order_skipping_other_and_hidden_files(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "two.yml").write_text(POD.format(name="two"))
    (tmp_path / "a.yaml").write_text(POD.format(name="one"))
    (tmp_path / "c.json").write_text(
        json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "three"}})
    )
    (tmp_path / "notes.txt").write_text("not: yaml: at all")
    (tmp_path / ".git" / "x.yaml").write_text(POD.format(name="hidden"))
    cluster = load_paths([str(tmp_path)])
    assert [e.name for e in cluster.endpoints] == ["one", "two", "three"]


def test_an_unreadable_path_is_an_error_at_document_zero_line_zero(tmp_path):
    missing = str(tmp_path / "nope.yaml")
    cluster = load_paths([missing, str(tmp_path)])
    (error,) = cluster.errors
    assert (error.source.file, error.source.doc, error.source.line) == (missing, 0, 0)
    assert "cannot read" in error.message


def test_empty_and_comment_only_files_and_empty_documents_are_skipped_silently():
    cluster = load_texts(
        [
            ("empty.yaml", b""),
            ("comments.yaml", "# nothing here\n# at all\n"),
            ("blanks.yaml", "---\n---\n\n---\n" + POD.format(name="a") + "---\n"),
        ]
    )
    assert cluster.problems == ()
    assert [(e.name, e.source.doc) for e in cluster.endpoints] == [("a", 3)]


def test_a_scalar_or_list_document_is_an_error_and_the_rest_is_used():
    cluster = load("just a string\n---\n- 1\n- 2\n---\n" + POD.format(name="a"))
    assert [e.name for e in cluster.endpoints] == ["a"]
    assert [(p.source.doc, p.source.line) for p in cluster.errors] == [(1, 1), (2, 3)]
    assert "not a Kubernetes object" in cluster.errors[0].message


def test_documents_without_kind_or_api_version_are_errors():
    cluster = load(
        "metadata: {name: a}\n---\nkind: Pod\nmetadata: {name: b}\n---\napiVersion: 7\nkind: Pod\n"
    )
    assert [(p.source.doc, p.message) for p in cluster.errors] == [
        (1, "document has no kind: not a Kubernetes object"),
        (1, "document has no apiVersion: not a Kubernetes object"),
        (2, "document has no apiVersion: not a Kubernetes object"),
        (3, "apiVersion: expected a string, got a number (7)"),
    ]


def test_a_syntax_error_drops_only_its_document():
    text = POD.format(name="a") + "---\nkind: [\n---\n" + POD.format(name="b")
    cluster = load(text)
    assert [e.name for e in cluster.endpoints] == ["a", "b"]
    (error,) = cluster.errors
    assert error.source.doc == 2 and "YAML syntax error" in error.message


def test_binary_and_non_utf8_files_are_errors_not_exceptions():
    cluster = load_texts(
        [
            ("bin.yaml", bytes(range(256)) * 4),
            ("latin1.yaml", "a: 1\nname: caf\xe9\n".encode("latin-1")),
            ("nul.yaml", b"a: 1\x00\n"),
            ("ok.yaml", POD.format(name="a").encode()),
        ]
    )
    assert [e.source.file for e in cluster.errors] == ["bin.yaml", "latin1.yaml", "nul.yaml"]
    assert [(e.source.doc, e.source.line) for e in cluster.errors] == [(0, 2), (0, 2), (0, 1)]
    assert "not UTF-8" in cluster.errors[1].message
    assert [e.name for e in cluster.endpoints] == ["a"]


def test_utf16_with_a_bom_is_read():
    cluster = load_texts([("w.yaml", POD.format(name="a").encode("utf-16"))])
    assert [e.name for e in cluster.endpoints] == ["a"]


def test_an_alias_bomb_is_an_error_fast_with_bounded_memory():
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    bomb = "\n".join(lines) + "\n---\n" + POD.format(name="after")
    tracemalloc.start()
    started = time.perf_counter()
    cluster = load(bomb)
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert elapsed < 2 and peak < 20 * 1024 * 1024
    (error,) = cluster.errors
    assert "alias bomb" in error.message and error.source.doc == 1
    assert [e.name for e in cluster.endpoints] == ["after"]


def test_too_many_aliases_in_one_file_is_an_error():
    text = "x: &x 1\nys: [" + ", ".join(["*x"] * 101) + "]\n"
    (error,) = load(text).errors
    assert "more than 100 YAML aliases" in error.message


def test_ten_thousand_levels_of_nesting_are_an_error_not_a_crash():
    flow = "[" * 10_000 + "]" * 10_000
    block = "- " * 10_000 + "x"
    for text in (flow, block):
        cluster = load_texts([("deep.yaml", text + "\n---\n" + POD.format(name="after"))])
        (error,) = cluster.errors
        assert "nesting depth" in error.message and error.source.doc == 1
        assert [e.name for e in cluster.endpoints] == ["after"]


def test_nesting_past_max_depth_drops_the_document_with_its_line():
    cluster = load("a: " + "{b: " * 100 + "1" + "}" * 100 + "\n")
    (error,) = cluster.errors
    assert "nested more than 64 levels deep" in error.message and error.source.line == 1


def test_input_over_the_size_limit_is_an_error_and_is_not_read(tmp_path):
    big = tmp_path / "big.yaml"
    chunk = ("# padding " + "x" * 90 + "\n") * 10_000
    with big.open("w") as fh:
        for _ in range(31):
            fh.write(chunk)
    small = tmp_path / "small.yaml"
    small.write_text(POD.format(name="a"))
    started = time.perf_counter()
    cluster = load_paths([str(big), str(small)])
    assert time.perf_counter() - started < 1
    (error,) = cluster.errors
    assert error.source.file == str(big) and "limit" in error.message
    assert [e.name for e in cluster.endpoints] == ["a"]
    assert load_texts([("up.yaml", big.read_bytes())]).errors[0].source.file == "up.yaml"


def test_the_size_limit_counts_all_files_together():
    text = POD.format(name="a") + "#" * 100
    cluster = load_texts(
        [("1.yaml", text), ("2.yaml", text)], Limits(max_total_bytes=len(text) + 10)
    )
    assert [e.name for e in cluster.endpoints] == ["a"]
    assert [e.source.file for e in cluster.errors] == ["2.yaml"]


def test_documents_over_the_limit_are_an_error_and_not_read():
    text = "---\n".join(POD.format(name=f"p{i}") for i in range(5))
    cluster = load_texts([("m.yaml", text)], Limits(max_documents=3))
    assert [e.name for e in cluster.endpoints] == ["p0", "p1", "p2"]
    (error,) = cluster.errors
    assert "more than 3 documents" in error.message and error.source.doc == 4


def test_too_many_values_in_one_document_is_an_error():
    text = "a: [" + ", ".join(["1"] * 1000) + "]\n"
    (error,) = load_texts([("m.yaml", text)], Limits(max_nodes_per_document=500)).errors
    assert "more than 500 values" in error.message


def test_wrong_types_everywhere_never_raise():
    hostile = [
        "kind: [1]\napiVersion: {a: b}",
        "apiVersion: v1\nkind: Pod\nmetadata: 5",
        "apiVersion: v1\nkind: Pod\nmetadata: {name: [a]}\nspec: {containers: {a: 1}}",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {template: [1]}",
        "apiVersion: v1\nkind: List\nitems: 5",
        "apiVersion: v1\nkind: List\nitems: [1, null, {kind: Pod}]",
        "? [a, b]\n: c\n",
        "a: &x\n  <<: *x\n",
        "<<: 5\nkind: Pod\napiVersion: v1\nmetadata: {name: a}",
        policy_doc("podSelector: 5\ningress: 7\negress: [5, {to: 5, ports: [1, {port: [80]}]}]"),
        policy_doc(
            "podSelector: {matchLabels: 1, matchExpressions: [1, {key: 1, operator: 2, values: 3}]}"
        ),
        policy_doc(
            "ingress:\n- from:\n  - ipBlock: {cidr: 5, except: 5}\n  - ipBlock: [1]\n  - namespaceSelector: 1"
        ),
        policy_doc("policyTypes: [1, Ingress, Egress]"),
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: a, labels: {x: [1]}}",
        "!!binary aGVsbG8=\n",
        "\ufeff\ufeff",
        "%YAML 1.1\n%TAG ! tag:x,2000:\n--- !foo\nkind: Pod\n",
    ]
    for text in hostile:
        cluster = load(text)
        assert cluster.errors or cluster.warnings or not cluster.endpoints, text
    assert load_texts([("x.yaml", 5)]).errors  # type: ignore[list-item]
    assert load_texts([("x.yaml", "a: \udc80")]).errors


def test_duplicate_keys_are_an_error_and_the_document_is_not_used():
    cluster = load(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n  name: b\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: c}\n"
    )
    assert [e.name for e in cluster.endpoints] == ["c"]
    (error,) = cluster.errors
    assert error.source.line == 5 and error.source.doc == 1
    assert error.message.startswith('duplicate key "name" (first at line 4): the API server')


def test_yaml_anchors_and_merge_keys_are_expanded():
    text = """
    base: &labels {app: web, tier: a}
    apiVersion: v1
    kind: Pod
    metadata:
      name: a
      labels:
        <<: *labels
        tier: b
    """
    (pod,) = load(text).endpoints
    assert pod.labels == {"app": "web", "tier": "b"}


def test_without_libyaml_it_falls_back_to_the_python_parser_with_one_warning(monkeypatch):
    import yaml

    from netviz.k8s import load as load_module
    from netviz.k8s import yamlsrc

    monkeypatch.setattr(yamlsrc, "_Loader", yaml.SafeLoader)
    monkeypatch.setattr(load_module, "HAVE_LIBYAML", False)
    text = POD.format(name="a") + "---\nkind: [\n---\n" + "a: " + "[" * 200 + "]" * 200 + "\n"
    cluster = load_texts([("1.yaml", text), ("2.yaml", POD.format(name="b"))])
    assert [e.name for e in cluster.endpoints] == ["a", "b"]
    assert [p.severity for p in cluster.problems] == ["warning", "error", "error"]
    assert "libyaml is not available" in cluster.problems[0].message
    assert "nested more than 64 levels" in cluster.problems[2].message


def test_windows_and_old_mac_line_endings_keep_lines_and_policy_text_right():
    for sep in ("\r\n", "\r"):
        text = (
            POD.format(name="a") + "---\nkind: [\n---\n" + policy_doc("podSelector: {}")
        ).replace("\n", sep)
        cluster = load_texts([("crlf.yaml", text)])
        (policy,) = cluster.policies
        assert (policy.source.doc, policy.source.line) == (3, 8)
        assert policy.text == policy_doc("podSelector: {}").replace("\n", sep)
        assert [(e.source.doc, e.source.line) for e in cluster.errors] == [(2, 7)]


def test_millions_of_empty_documents_stop_at_the_document_limit_quickly():
    started = time.perf_counter()
    cluster = load_texts([("empty.yaml", "---\n" * 2_000_000)])
    assert time.perf_counter() - started < 5
    (error,) = cluster.errors
    assert "more than 20000 documents" in error.message and error.source.doc == 20001


def test_problems_per_object_are_capped_so_hostile_input_cannot_flood_the_report():
    text = policy_doc("podSelector: {}\ningress:\n" + "- ports: [{port: 0}]\n" * 1000)
    cluster = load(text)
    assert cluster.policies == ()
    assert len(cluster.problems) == 51
    assert cluster.problems[-1].message == "more problems in this object are not listed"
