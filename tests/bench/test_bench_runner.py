"""The benchmark runner: cached clusters, PASS/MISS against the issue's targets, a real small run."""

from __future__ import annotations

import json

from bench.run import MEMORY_TARGET_MIB, ensure_cluster, main, verdict


def _row(size: str, total_s: float, peak_mib: float = 100.0) -> dict:
    return {"size": size, "total_s": total_s, "peak_mib": peak_mib}


def test_it_marks_l_and_xl_against_their_time_targets():
    assert verdict(_row("L", 4.9)) == "PASS"
    assert verdict(_row("L", 5.1)) == "MISS"
    assert verdict(_row("XL", 29.0)) == "PASS"
    assert verdict(_row("XL", 31.0)) == "MISS"


def test_it_marks_a_miss_when_peak_memory_is_over_target():
    assert verdict(_row("L", 1.0, MEMORY_TARGET_MIB + 1)) == "MISS"
    assert verdict(_row("M", 1.0, MEMORY_TARGET_MIB + 1)) == "MISS"


def test_it_gives_no_marker_to_sizes_without_a_time_target():
    assert verdict(_row("S", 100.0)) == ""


def test_it_reuses_a_cached_cluster(tmp_path):
    yaml_dir, first = ensure_cluster("S", 3, tmp_path)
    stamp = {p.name: p.stat().st_mtime_ns for p in yaml_dir.iterdir()}
    again, second = ensure_cluster("S", 3, tmp_path)
    assert again == yaml_dir and second == first
    assert {p.name: p.stat().st_mtime_ns for p in again.iterdir()} == stamp
    assert ensure_cluster("S", 4, tmp_path)[0] != yaml_dir


def test_it_measures_a_small_cluster_end_to_end_and_writes_the_figures(tmp_path, capsys):
    out = tmp_path / "figures.json"
    status = main(["--sizes", "5/20/12", "--cache", str(tmp_path), "--json", str(out)])
    assert status == 0
    (row,) = json.loads(out.read_text())["results"]
    assert (row["namespaces"], row["workloads"], row["policies"]) == (5, 20, 12)
    assert (row["endpoints"], row["policies"], row["errors"]) == (20, 12, 0)
    assert row["connections"] > 0
    assert row["total_s"] >= row["parse_s"] > 0
    assert row["peak_mib"] > 0
    assert "graph_s" in row and "explain_mean_ms" in row
    assert "5/20/12" in capsys.readouterr().out


def test_it_reads_back_what_it_wrote_and_shows_no_figure_for_a_wrong_output(tmp_path, capsys):
    from bench.run import format_row, read_back

    status = main(
        [
            "--sizes",
            "5/20/12",
            "--cache",
            str(tmp_path),
            "--json",
            str(tmp_path / "f.json"),
            "--keep-output",
            "--no-extras",
        ]
    )
    assert status == 0
    (row,) = json.loads((tmp_path / "f.json").read_text())["results"]
    assert row["readback"] == "ok" and row["connections"] > 1
    written = next(tmp_path.rglob("analysis.json"))
    assert read_back(written, row) == "ok"
    # The bug this guards against: a lone separator between two batches of connections.
    text = written.read_text()
    first = text.index('{"src"')
    broken = tmp_path / "broken.json"
    broken.write_text(text[:first] + ",\n    " + text[first:])
    assert read_back(broken, row).startswith("invalid JSON")
    # One connection missing, in a document that is otherwise valid.
    doc = json.loads(text)
    doc["connections"].pop()
    short = tmp_path / "short.json"
    short.write_text(json.dumps(doc))
    assert "read back" in read_back(short, row)
    doc["summary"]["connections"] -= 1
    short.write_text(json.dumps(doc))
    assert (
        read_back(short, row)
        == f"{row['connections'] - 1} connections read back (summary says {row['connections'] - 1}), {row['connections']} computed"
    )
    # Same count, one port set changed: the digest tells.
    doc = json.loads(text)
    doc["connections"][0]["ports"] = [{"protocol": "UDP", "port": 9}]
    short.write_text(json.dumps(doc))
    assert read_back(short, row) == "connections read back differ from the computed ones"
    row["readback"] = read_back(broken, row)
    assert verdict(row).startswith("MISS (output: invalid JSON")
    line = format_row(row)
    assert "MISS" in line and f"{row['total_s']:.2f}" not in line
