"""Objects kept between readings (netviz.k8s.built, as a draft re-reads its review on each
keystroke) against a fresh read: the same Cluster, problems included, on every golden input, the
demo, kubectl dumps and bench clusters with admin and Calico policies; only the edited file's
objects are built again."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.generate import Spec, generate
from netviz.k8s import load_texts
from netviz.k8s.built import BuildMemo, builds_kept
from netviz.k8s.yamlsrc import ParseMemo, parses_kept

ROOT = Path(__file__).resolve().parents[2]


def _inputs() -> dict[str, list[tuple[str, str]]]:
    out = {}
    for folder in sorted((ROOT / "tests/golden").glob("*/input")):
        out[folder.parent.name] = [
            (p.name, p.read_text(encoding="utf-8")) for p in sorted(folder.iterdir())
        ]
    out["demo"] = [
        (p.name, p.read_text(encoding="utf-8"))
        for p in sorted((ROOT / "netviz/web/demo").glob("*.yaml"))
    ]
    out["admin-and-calico"] = generate(Spec(10, 60, 30, admin=12, calico=12))
    return out


INPUTS = _inputs()


def _kept_read(files, parses: ParseMemo, builds: BuildMemo):
    with parses_kept(parses), builds_kept(builds):
        return load_texts(files)


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_a_kept_read_is_a_fresh_read(name: str) -> None:
    files = INPUTS[name]
    parses, builds = ParseMemo(len(files) + 4), BuildMemo(100_000)
    fresh = load_texts(files)
    first = _kept_read(files, parses, builds)
    again = _kept_read(files, parses, builds)
    assert first == fresh
    assert again == fresh
    # Problems with their kind, namespace and name, as the objects' reporters left them.
    assert [p.as_dict() for p in again.problems] == [p.as_dict() for p in fresh.problems]
    assert len(builds) > 0


@pytest.mark.parametrize("name", ["shop", "broken", "admin-and-calico", "kubectl-dump"])
def test_an_edit_builds_only_the_edited_files_objects(name: str) -> None:
    files = INPUTS[name]
    parses, builds = ParseMemo(len(files) + 4), BuildMemo(100_000)
    before = _kept_read(files, parses, builds)
    # A line added on top of the last file: its objects move a line down, the others stay.
    edited_name, text = files[-1]
    edited = [*files[:-1], (edited_name, "# edited\n" + text)]
    after = _kept_read(edited, parses, builds)
    assert after == load_texts(edited)

    def by_file(cluster):
        objects = [*cluster.endpoints, *cluster.policies, *cluster.admin_policies]
        if cluster.calico is not None:
            objects += list(cluster.calico.policies)
        return [(o.source.file, o) for o in objects if o.source is not None]

    kept = {id(o) for _f, o in by_file(before)}
    for file, o in by_file(after):
        if file == edited_name:
            assert id(o) not in kept, o
        elif not file.startswith(edited_name):
            assert id(o) in kept, o


def test_the_same_text_under_another_name_is_read_as_that_file() -> None:
    text = dict(INPUTS["shop"])["policies.yaml"]
    parses, builds = ParseMemo(4), BuildMemo(100_000)
    _kept_read([("a.yaml", text)], parses, builds)
    # The same documents (one parse of one text), read as another file: objects of their own.
    again = _kept_read([("b.yaml", text)], parses, builds)
    assert again == load_texts([("b.yaml", text)])
    assert {p.source.file for p in again.policies} == {"b.yaml"}
    both = [("a.yaml", text), ("b.yaml", text)]
    _kept_read(both, parses, builds)
    assert _kept_read(both, parses, builds) == load_texts(both)


def test_a_memo_full_drops_the_oldest_and_still_reads_right() -> None:
    files = INPUTS["admin-and-calico"]
    parses, builds = ParseMemo(len(files) + 4), BuildMemo(10)
    _kept_read(files, parses, builds)
    assert len(builds) == 10
    assert _kept_read(files, parses, builds) == load_texts(files)
