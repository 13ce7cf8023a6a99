"""`make bench`: parse, evaluate and JSON-output time and peak memory per synthetic cluster size.

Each size runs in a fresh subprocess so peak RSS belongs to that size alone. Misses are figures,
not failures: the exit status is 0 unless a run crashed.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import platform
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` and `netviz` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.generate import DEFAULT_SEED, GENERATOR_VERSION, SIZES, parse_spec, write  # noqa: E402

# End-to-end (parse + evaluate + JSON written) targets on a 2-core machine, from the issue.
TIME_TARGETS = {"L": 5.0, "XL": 30.0, "L+ANP": 10.0, "L+Calico": 10.0}  # within 2x of L
MEMORY_TARGET_MIB = 3 * 1024
DEFAULT_SIZES = "S M L XL"
EXPLAIN_SAMPLE = 100


def cache_dir(size: str, seed: int, root: Path) -> Path:
    """Where the YAML of one size+seed lives; generated once, reused by later runs."""
    spec = parse_spec(size)
    key = f"{size.replace('/', '-')}-{spec.namespaces}-{spec.workloads}-{spec.policies}"
    return root / f"{key}-seed{seed}-g{GENERATOR_VERSION}"


def ensure_cluster(size: str, seed: int, root: Path) -> tuple[Path, dict]:
    """The YAML directory and its generation record, generating it unless cached."""
    final = cache_dir(size, seed, root)
    if not (final / "stats.json").exists():
        # Generate beside the final place and rename, so an interrupted run leaves no half cache.
        tmp = final.with_name(f"{final.name}.tmp{os.getpid()}")
        shutil.rmtree(tmp, ignore_errors=True)
        started = time.perf_counter()
        stats = write(parse_spec(size), tmp / "yaml", seed)
        stats["generate_s"] = round(time.perf_counter() - started, 3)
        (tmp / "stats.json").write_text(json.dumps(stats, indent=2))
        shutil.rmtree(final, ignore_errors=True)
        try:
            tmp.rename(final)
        except OSError:  # another run finished the same cluster first
            shutil.rmtree(tmp, ignore_errors=True)
    return final / "yaml", json.loads((final / "stats.json").read_text())


def connections_digest(rows) -> tuple[int, str]:
    """(count, sha256) of (src, dst, ports) rows in order: the worker hashes what the engine
    computed, the parent what the JSON file it wrote says, so a wrong output cannot pass."""
    digest = hashlib.sha256()
    count = 0
    for src, dst, ports in rows:
        digest.update(f"{src}\t{dst}\t{json.dumps(ports, sort_keys=True)}\n".encode())
        count += 1
    return count, digest.hexdigest()


def _engine_rows(analysis):
    from netviz.formats.connections import Memo, ordered_connections

    as_json = Memo(lambda ports: ports.as_json())
    return ((c.src, c.dst, as_json[c.ports]) for c in ordered_connections(analysis))


def read_back(out_file: Path, fig: dict) -> str:
    """ "ok", or why the JSON written is not the analysis: json.load must read it whole, and its
    connections must be the engine's, one by one (count and digest)."""
    try:
        with open(out_file, encoding="utf-8") as fp:
            doc = json.load(fp)
    except (OSError, ValueError) as exc:
        return f"invalid JSON: {str(exc)[:80]}"
    conns = doc.get("connections")
    if not isinstance(conns, list):
        return "no connections list"
    count, digest = connections_digest((c["src"], c["dst"], c["ports"]) for c in conns)
    summary = (doc.get("summary") or {}).get("connections")
    del doc, conns
    if count != fig["connections"] or summary != count:
        return (
            f"{count} connections read back (summary says {summary}), {fig['connections']} computed"
        )
    if digest != fig["connections_sha256"]:
        return "connections read back differ from the computed ones"
    return "ok"


def _peak_mib() -> float:
    # ru_maxrss is KiB on Linux, bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def measure(yaml_dir: Path, out_file: Path, extras: bool) -> dict:
    """Runs in the worker subprocess: the pipeline once, timed stage by stage."""
    from netviz.engine import Evaluator
    from netviz.formats import write_connections
    from netviz.k8s import Limits, load_paths

    # The default limits suit uploads; XL is bigger than they allow (25,500 documents).
    limits = dataclasses.replace(Limits(), max_total_bytes=1 << 30, max_documents=1_000_000)
    fig: dict = {"baseline_mib": round(_peak_mib(), 1)}
    # CPU seconds beside wall-clock ones tell contention on a shared machine from a slow pipeline.
    marks = [(time.perf_counter(), time.process_time())]
    cluster = load_paths([str(yaml_dir)], limits)
    marks.append((time.perf_counter(), time.process_time()))
    evaluator = Evaluator(cluster)
    analysis = evaluator.analysis()
    marks.append((time.perf_counter(), time.process_time()))
    with open(out_file, "w", encoding="utf-8", newline="\n") as fp:
        write_connections(analysis, cluster.problems, "json", fp)
    marks.append((time.perf_counter(), time.process_time()))
    for i, stage in enumerate(("parse", "evaluate", "output")):
        fig[f"{stage}_cpu_s"] = marks[i + 1][1] - marks[i][1]
    fig["cpu_s"] = marks[-1][1] - marks[0][1]
    (t0, _), (t1, _), (t2, _), (t3, _) = marks
    fig.update(
        parse_s=t1 - t0,
        evaluate_s=t2 - t1,
        output_s=t3 - t2,
        total_s=t3 - t0,
        peak_mib=round(_peak_mib(), 1),
        endpoints=len(analysis.endpoints),
        policies=len(analysis.policies),
        connections=len(analysis.connections),
        externals=len(analysis.externals),
        caveats=len(analysis.caveats),
        errors=len(cluster.errors),
        warnings=len(cluster.warnings),
        json_bytes=out_file.stat().st_size,
    )
    # Outside the timed stages: what the engine computed, for the parent to check the file by.
    fig["connections_sha256"] = connections_digest(_engine_rows(analysis))[1]
    if cluster.errors:
        fig["first_error"] = f"{cluster.errors[0].source}: {cluster.errors[0].message}"
    if extras:
        fig.update(_extras(evaluator, analysis))
        fig["peak_with_extras_mib"] = round(_peak_mib(), 1)
    return fig


def _extras(evaluator, analysis) -> dict:
    """Graph building, and explain: one cross-namespace pair cold, then a seeded sample of pairs."""
    clock = time.perf_counter
    t0 = clock()
    graph = evaluator.graph()
    out: dict = {"graph_s": clock() - t0, "graph_edges": graph.number_of_edges()}
    del graph
    ids = [e.id for e in analysis.endpoints]
    if len(ids) < 2:
        return out
    ns_of = {e.id: e.namespace for e in analysis.endpoints}
    first = next(
        (
            (c.src, c.dst)
            for c in analysis.connections
            if c.src in ns_of and c.dst in ns_of and ns_of[c.src] != ns_of[c.dst]
        ),
        (ids[0], ids[-1]),
    )
    t0 = clock()
    evaluator.explain(*first)
    out["explain_first_ms"] = (clock() - t0) * 1000
    rng = random.Random(0)
    pairs = [tuple(rng.sample(ids, 2)) for _ in range(EXPLAIN_SAMPLE)]
    t0 = clock()
    for src, dst in pairs:
        evaluator.explain(src, dst)
    out["explain_mean_ms"] = (clock() - t0) * 1000 / len(pairs)
    return out


def _worker(args: argparse.Namespace) -> int:
    yaml_dir, out_file = Path(args.worker[0]), Path(args.worker[1])
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        fig = profiler.runcall(measure, yaml_dir, out_file, False)
        stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
        for order in ("cumulative", "tottime"):
            print(f"\n--- profile of {yaml_dir.parent.name}, by {order} ---", file=sys.stderr)
            stats.sort_stats(order).print_stats(args.profile_lines)
    else:
        fig = measure(yaml_dir, out_file, not args.no_extras)
    print(json.dumps(fig))
    return 0


def run_size(size: str, args: argparse.Namespace, root: Path) -> dict:
    """Generate (or reuse) one size, then measure it in a fresh interpreter."""
    print(f"[{size}] preparing cluster ...", file=sys.stderr, flush=True)
    yaml_dir, stats = ensure_cluster(size, args.seed, root)
    row: dict = {"size": size, **{k: stats[k] for k in ("namespaces", "workloads", "policies")}}
    row["yaml_bytes"] = stats["yaml_bytes"]
    out_file = yaml_dir.parent / "analysis.json"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", str(yaml_dir), str(out_file)]
    if args.no_extras:
        cmd.append("--no-extras")
    if args.profile:
        cmd += ["--profile", "--profile-lines", str(args.profile_lines)]
    print(f"[{size}] measuring ({stats['yaml_bytes'] / 1e6:.1f} MB YAML) ...", file=sys.stderr)
    try:
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, timeout=args.timeout, text=True)
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
        if proc.returncode != 0 or not lines:
            row["status"] = f"crashed (exit {proc.returncode})"
            return row
        row.update(json.loads(lines[-1]))
        print(
            f"[{size}] reading back {row['json_bytes'] / 1e6:.0f} MB of JSON ...", file=sys.stderr
        )
        row["readback"] = read_back(out_file, row)
    except subprocess.TimeoutExpired:
        row["status"] = f"MISS (timeout after {args.timeout:g} s)"
        return row
    finally:
        if not args.keep_output:
            out_file.unlink(missing_ok=True)
    row["status"] = verdict(row)
    return row


def verdict(row: dict) -> str:
    """PASS / MISS against the issue's targets; "" for sizes without a time target. An output
    that did not read back as the analysis is a MISS whatever its time."""
    if row.get("readback", "ok") != "ok":
        return f"MISS (output: {row['readback']})"
    target = TIME_TARGETS.get(row["size"])
    if target is None:
        return "" if row["peak_mib"] <= MEMORY_TARGET_MIB else "MISS"
    ok = row["total_s"] <= target and row["peak_mib"] <= MEMORY_TARGET_MIB
    return "PASS" if ok else "MISS"


COLUMNS = (
    ("size", "{:<5}"),
    ("ns/wl/pol", "{:>16}"),
    ("YAML MB", "{:>7}"),
    ("endpts", "{:>6}"),
    ("conns", "{:>9}"),
    ("ext", "{:>5}"),
    ("parse s", "{:>7}"),
    ("eval s", "{:>7}"),
    ("output s", "{:>8}"),
    ("total s", "{:>7}"),
    ("cpu s", "{:>6}"),
    ("peak MiB", "{:>8}"),
    ("read back", "{:>9}"),
    ("target", "{:>6}"),
    ("result", "{}"),
)


def format_row(row: dict) -> str:
    target = TIME_TARGETS.get(row["size"])
    cells = [
        row["size"],
        f"{row['namespaces']}/{row['workloads']}/{row['policies']}",
        f"{row['yaml_bytes'] / 1e6:.1f}",
    ]
    if "total_s" in row and row.get("readback", "ok") != "ok":
        # No figure for an output that is not the analysis: the times are not shown at all.
        cells += [str(row["endpoints"]), str(row["connections"]), str(row["externals"])]
        cells += ["MISS"] * 6 + ["MISS"]
    elif "total_s" in row:
        cells += [
            str(row["endpoints"]),
            str(row["connections"]),
            str(row["externals"]),
            *(f"{row[k]:.2f}" for k in ("parse_s", "evaluate_s", "output_s", "total_s")),
            f"{row['cpu_s']:.1f}",
            f"{row['peak_mib']:.0f}",
            row.get("readback", "-"),
        ]
    else:
        cells += ["-"] * 10
    cells += [f"<{target:g}s" if target else "-", row["status"]]
    return "  ".join(fmt.format(c) for (_, fmt), c in zip(COLUMNS, cells, strict=True))


def format_extras(row: dict) -> str | None:
    """The second line of a size: CPU per stage, graph and explain timings, reader problems."""
    if "cpu_s" not in row:
        return None
    parts = [
        "cpu parse/eval/output "
        + "/".join(f"{row[f'{s}_cpu_s']:.2f}" for s in ("parse", "evaluate", "output"))
        + " s"
    ]
    if "graph_s" in row:
        parts.append(f"graph {row['graph_s']:.2f} s ({row['graph_edges']} edges)")
    if "explain_first_ms" in row:
        parts.append(
            f"explain {row['explain_first_ms']:.1f} ms first pair, "
            f"{row['explain_mean_ms']:.1f} ms mean of {EXPLAIN_SAMPLE}"
        )
    if row.get("errors") or row.get("warnings"):
        reader = f"reader: {row['errors']} errors, {row['warnings']} warnings"
        parts.append(reader + (f" ({row['first_error']})" if "first_error" in row else ""))
    return "      " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default=DEFAULT_SIZES, help='e.g. "S M" or "L 20/300/120"')
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--json", type=Path, help="also write the figures to this file")
    ap.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "netviz-bench",
        help="where generated clusters are kept between runs",
    )
    ap.add_argument("--timeout", type=float, default=600, help="seconds per size")
    ap.add_argument("--no-extras", action="store_true", help="skip graph and explain timings")
    ap.add_argument("--profile", action="store_true", help="print cProfile top entries per size")
    ap.add_argument("--profile-lines", type=int, default=30)
    ap.add_argument("--keep-output", action="store_true", help="keep each size's analysis.json")
    ap.add_argument("--worker", nargs=2, metavar=("YAML_DIR", "OUT"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        return _worker(args)

    sizes = args.sizes.replace(",", " ").split()
    for size in sizes:
        try:
            parse_spec(size)
        except ValueError as exc:
            ap.error(str(exc))
    sizes = [s.upper() if s.upper() in SIZES else s for s in sizes]
    args.cache.mkdir(parents=True, exist_ok=True)
    print(
        f"netviz bench: seed {args.seed}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
        f"; targets end to end: L < 5 s, XL < 30 s, peak < {MEMORY_TARGET_MIB} MiB",
        flush=True,
    )
    print("  ".join(fmt.format(name) for name, fmt in COLUMNS), flush=True)
    rows = []
    for size in sizes:
        row = run_size(size, args, args.cache)
        rows.append(row)
        print(format_row(row), flush=True)
        extras = format_extras(row)
        if extras:
            print(extras, flush=True)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        record = {
            "seed": args.seed,
            "generator_version": GENERATOR_VERSION,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "targets": {"total_s": TIME_TARGETS, "peak_mib": MEMORY_TARGET_MIB},
            "results": rows,
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n")
        print(f"figures written to {args.json}", file=sys.stderr)
    return 1 if any(r["status"].startswith("crashed") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
