"""`generate PATH... --output DIR [--keep FILE] [--namespace NS] [--no-dns]` without Django:
`main(argv)` for a `netviz` command, `execute(...)` for `manage.py generate`.

Exit status: 0 the check passes, 1 the re-evaluation differs or the input (or keep file) had
errors, 2 usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
from dataclasses import dataclass
from typing import TextIO

from netviz.engine import Evaluator
from netviz.formats import describe_problem
from netviz.generate import NoSuchNamespace, generate
from netviz.generate.kept import KeepFileError, read_keep
from netviz.generate.words import summary
from netviz.k8s import Limits, load_paths

EXIT_DIFFERS = 1
EXIT_USAGE = 2
# As for manage.py's commands: local files are the user's own, no upload caps (YAML bomb limits stay).
LOCAL_LIMITS = dataclasses.replace(Limits(), max_total_bytes=1 << 30, max_documents=1_000_000)


class Usage(Exception):
    """The command line must change: a missing path, an unknown namespace, an unreadable file."""


@dataclass(frozen=True)
class Outcome:
    status: int
    message: str = ""  # the last line on stderr when status is not 0


def add_options(parser: argparse.ArgumentParser) -> None:
    """Options after PATH (manage.py adds PATH its own way)."""
    parser.add_argument(
        "--output",
        "-o",
        metavar="DIR",
        required=True,
        help="directory to write <namespace>.yaml into",
    )
    parser.add_argument(
        "--keep",
        metavar="FILE",
        help="keep only these connections (the `analyze --format json` shape); default: all allowed now",
    )
    parser.add_argument(
        "--namespace", "-n", metavar="NS", help="generate for this namespace only (default: all)"
    )
    parser.add_argument(
        "--no-dns",
        dest="dns",
        action="store_false",
        help="keep DNS egress to kube-dns only where the keep file lists it, and add no "
        "allow-dns-egress policy when kube-dns is not in the input",
    )


def execute(
    paths: list[str],
    output: str,
    keep: str | None,
    namespace: str | None,
    dns: bool,
    stdout: TextIO,
    stderr: TextIO,
    verbosity: int = 1,
) -> Outcome:
    """Read, generate, write the files, print the summary; raises Usage."""
    for path in paths:
        if path != "-" and not os.path.exists(path):
            raise Usage(f"no such file or directory: {path}")
    keep_text = None
    if keep is not None:
        try:
            with open(keep, encoding="utf-8") as f:
                keep_text = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise Usage(f"cannot read {keep}: {getattr(e, 'strerror', None) or e}") from None
    cluster = load_paths(list(paths), LOCAL_LIMITS)
    for problem in sorted(cluster.problems, key=lambda p: (p.source, p.message)):
        if problem.severity == "error" or verbosity > 1:
            stderr.write(describe_problem(problem) + "\n")
    ev = Evaluator(cluster)
    entries = None
    if keep_text is not None:
        try:
            entries = read_keep(keep_text, ev)
        except KeepFileError as e:
            raise Usage(f"{keep}: {e}") from None
    bad = [e for e in entries or () if e.problem and e.problem != "loopback"]
    for e in bad:
        stderr.write(f"{keep}: connections[{e.index}]: {e.problem}: {e.detail}\n")
    try:
        result = generate(cluster, entries, namespace, dns, evaluator=ev)
    except NoSuchNamespace:
        known = sorted({e.namespace for e in cluster.endpoints})
        raise Usage(
            f"no endpoint in namespace {namespace!r}; namespaces: {', '.join(known)}"
        ) from None
    try:
        os.makedirs(output, exist_ok=True)
        written = {}
        for name, text in result.files.items():
            target = os.path.join(output, name)
            with open(target, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            written[name[: -len(".yaml")]] = target
    except OSError as e:
        raise Usage(f"cannot write {output}: {e.strerror or e}") from None
    # --verbosity 2 lists every pair the check found, not the first few of each kind.
    limit = None if verbosity > 1 else 20
    stdout.write("\n".join(summary(result, written, limit)) + "\n")
    assert result.check is not None
    if not result.check.exact:
        return Outcome(EXIT_DIFFERS, "the generated policies do not reproduce the kept connections")
    if cluster.errors or bad:
        count = len(cluster.errors) + len(bad)
        return Outcome(
            EXIT_DIFFERS,
            f"{count} error{'s' if count != 1 else ''} in the input; "
            "the result covers the valid documents and keep entries only",
        )
    return Outcome(0)


def parser(prog: str = "netviz generate") -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog=prog,
        description="Least-privilege NetworkPolicies for the connections allowed now (or kept).",
    )
    ap.add_argument("paths", nargs="+", metavar="PATH", help="manifest file, directory or -")
    add_options(ap)
    return ap


def run(
    args: argparse.Namespace, stdout: TextIO, stderr: TextIO, prog: str = "netviz generate"
) -> int:
    """The parsed command line run: the exit status."""
    try:
        outcome = execute(
            args.paths, args.output, args.keep, args.namespace, args.dns, stdout, stderr
        )
    except Usage as e:
        stderr.write(f"{prog}: error: {e}\n")
        return EXIT_USAGE
    if outcome.status:
        stderr.write(f"{prog}: {outcome.message}\n")
    return outcome.status


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)  # exits 2 on bad flags
    return run(args, sys.stdout, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
