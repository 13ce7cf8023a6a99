"""Load test: N clients upload and browse a gunicorn this script starts on loopback, for a bounded time.

    python scripts/loadtest.py [--clients 20] [--seconds 60] [--json out.json]

Production settings (plain HTTP on 127.0.0.1), a throwaway SQLite database and a task worker.
Checks that no request failed and that every upload's bytes are stored exactly (sha256), and
reports p95 page latency. Exit status 1 if anything failed. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import hashlib
import http.cookiejar
import json
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
HOST = "127.0.0.1"  # loopback only: this script never sends traffic anywhere else
MAX_CLIENTS, MAX_SECONDS = 50, 300


def manifests(rng: random.Random, workloads: int) -> bytes:
    """A namespace of `workloads` deployments and a policy per tier; unique per call."""
    ns = f"ns-{uuid.uuid4().hex[:8]}"
    docs = [f"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {ns}\n"]
    for i in range(workloads):
        tier = rng.choice(["web", "api", "db"])
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\n"
            f"  namespace: {ns}\nspec:\n  selector:\n    matchLabels: {{app: app-{i}}}\n"
            f"  template:\n    metadata:\n      labels: {{app: app-{i}, tier: {tier}}}\n"
            f"    spec:\n      containers:\n        - name: c\n          image: x\n"
            f"          ports: [{{containerPort: {rng.choice([80, 443, 8080, 5432])}}}]\n"
        )
    for src, dst in (("web", "api"), ("api", "db")):
        docs.append(
            f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n"
            f"  name: {dst}-from-{src}\n  namespace: {ns}\nspec:\n"
            f"  podSelector: {{matchLabels: {{tier: {dst}}}}}\n  ingress:\n"
            f"    - from: [{{podSelector: {{matchLabels: {{tier: {src}}}}}}}]\n"
        )
    return "---\n".join(docs).encode()


def multipart(fields: dict[str, str], files: list[tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for filename, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{filename}"\r\nContent-Type: application/yaml\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    latencies: dict[str, list[float]] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    # (view token, revision number, file name, sha256 sent)
    uploads: list[tuple[str, int, str, str]] = field(default_factory=list)

    def record(self, kind: str, seconds: float) -> None:
        with self.lock:
            self.latencies.setdefault(kind, []).append(seconds)

    def fail(self, message: str) -> None:
        with self.lock:
            self.failures.append(message)


class Client:
    """One browser-like user: a cookie jar, a CSRF token, its own reviews."""

    def __init__(self, base: str, stats: Stats, seed: int, large_every: int) -> None:
        self.base = base
        self.stats = stats
        self.rng = random.Random(seed)
        self.large_every = large_every
        jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        self.reviews: list[tuple[str, str]] = []  # (view token, edit token)
        self.count = 0

    def request(self, kind: str, path: str, data: bytes | None = None, headers=None, expect=200):
        url = self.base + path
        req = urllib.request.Request(url, data=data, headers=headers or {})
        start = time.perf_counter()
        try:
            with self.opener.open(req, timeout=120) as response:
                body = response.read()
                status, final = response.status, response.url
        except urllib.error.HTTPError as err:
            body, status, final = err.read(), err.code, url
        except OSError as err:
            self.stats.fail(f"{kind} {path[:40]}: {type(err).__name__}: {err}")
            return None, ""
        self.stats.record(kind, time.perf_counter() - start)
        if status != expect:
            self.stats.fail(f"{kind}: status {status} (expected {expect})")
            return None, final
        return body, final

    def step(self) -> None:
        self.count += 1
        if not self.reviews or self.rng.random() < 0.25:
            self.upload()
        else:
            view, edit = self.rng.choice(self.reviews)
            choice = self.rng.random()
            if choice < 0.45:
                self.request("page", f"/r/{view}/")
            elif choice < 0.65:
                self.request("json", f"/r/{view}.json")
            elif choice < 0.8:
                self.request("page", f"/e/{edit}/")
            elif choice < 0.9:
                self.request("static", "/static/js/upload.js")
            else:
                self.add_revision(view, edit)

    def upload(self) -> None:
        home, _ = self.request("page", "/")
        if home is None:
            return
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', home).group(1).decode()
        large = self.large_every and self.count % self.large_every == 0
        content = manifests(self.rng, 300 if large else self.rng.randint(3, 30))
        name = f"upload-{uuid.uuid4().hex[:6]}.yaml"
        body, ctype = multipart({"csrfmiddlewaretoken": token, "title": name}, [(name, content)])
        headers = {"Content-Type": ctype, "Origin": self.base, "Referer": self.base + "/"}
        page, final = self.request("upload", "/", body, headers)
        if page is None:
            return
        edit = re.search(r"/e/([A-Za-z0-9_-]{16,64})/", final)
        view = re.search(rb"/r/([A-Za-z0-9_-]{16,64})/", page)
        if not (edit and view):
            self.stats.fail("upload: did not land on the new review's edit page")
            return
        view_token, edit = view.group(1).decode(), edit.group(1)
        self.reviews.append((view_token, edit))
        self.stats.uploads.append((view_token, 1, name, hashlib.sha256(content).hexdigest()))

    def add_revision(self, view: str, edit: str) -> None:
        content = manifests(self.rng, self.rng.randint(3, 30))
        name = f"rev-{uuid.uuid4().hex[:6]}.yaml"
        body, _final = self.request(
            "api",
            f"/api/reviews/{edit}/revisions?name={name}",
            content,
            {"Content-Type": "application/yaml"},
            expect=201,
        )
        if body is not None:
            number = json.loads(body)["revision"]
            self.stats.uploads.append((view, number, name, hashlib.sha256(content).hexdigest()))


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(workdir: Path, workers: int) -> tuple[str, list[subprocess.Popen], dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NETVIZ_")}
    env.update(
        NETVIZ_PRODUCTION="1",
        NETVIZ_HTTPS="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"sqlite:///{workdir / 'load.sqlite3'}",
        NETVIZ_STATIC_ROOT=str(workdir / "static"),
        NETVIZ_ACCESS_LOG=str(workdir / "access.log"),
        # Uploads over 64 KB (the "large" ones) go to the task worker, as big ones do in use.
        NETVIZ_BACKGROUND_KB="64",
    )
    for args in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    port = free_port()
    log = open(workdir / "server.log", "w")  # noqa: SIM115 - lives as long as the servers
    procs = [
        subprocess.Popen(
            [GUNICORN, "netviz.wsgi:application", "--bind", f"{HOST}:{port}", "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [PYTHON, "manage.py", "db_worker", "--interval", "0.5", "-v", "0"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        ),
    ]  # fmt: skip
    base = f"http://{HOST}:{port}"
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/", timeout=2).close()
            return base, procs, env
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not start; see {workdir / 'server.log'}")


def verify(base: str, stats: Stats, deadline: float) -> tuple[int, list[str]]:
    """Every upload's revision is analysed and its file stored with the sha256 that was sent."""
    problems: list[str] = []
    checked = 0
    for view, number, name, sent in stats.uploads:
        state = {"state": "not asked (verification time over)", "message": ""}
        while time.monotonic() < deadline:
            with urllib.request.urlopen(f"{base}/r/{view}/rev/{number}/state.json") as r:
                state = json.load(r)
            if state["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        if state["state"] != "done":
            problems.append(
                f"{view[:6]}…/rev/{number}: analysis {state['state']} {state['message']}"
            )
            continue
        with urllib.request.urlopen(f"{base}/r/{view}/rev/{number}.json") as r:
            files = {f["name"]: f for f in json.load(r)["files"]}
        stored = files.get(name)
        if stored is None or stored["sha256"] != sent:
            problems.append(f"{view[:6]}…/rev/{number}/{name}: sha256 differs or file missing")
            continue
        with urllib.request.urlopen(stored["url"]) as r:
            if hashlib.sha256(r.read()).hexdigest() != sent:
                problems.append(f"{view[:6]}…/rev/{number}/{name}: downloaded bytes differ")
                continue
        checked += 1
    return checked, problems


def percentile(values: list[float], p: float) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument(
        "--large-every",
        type=int,
        default=15,
        help="every Nth upload of a client is large (0: none)",
    )
    parser.add_argument("--json", help="write the summary here too")
    parser.add_argument("--keep", action="store_true", help="keep the database and logs (printed)")
    args = parser.parse_args()
    if not (1 <= args.clients <= MAX_CLIENTS and 1 <= args.seconds <= MAX_SECONDS):
        parser.error(f"at most {MAX_CLIENTS} clients and {MAX_SECONDS} seconds")

    with tempfile.TemporaryDirectory(prefix="netviz-load-") as tmp:
        workdir = Path(tempfile.mkdtemp(prefix="netviz-load-")) if args.keep else Path(tmp)
        base, procs, _env = start_server(workdir, args.workers)
        stats = Stats()
        stop = time.monotonic() + args.seconds
        try:
            clients = [Client(base, stats, seed, args.large_every) for seed in range(args.clients)]

            def loop(client: Client) -> None:
                while time.monotonic() < stop:
                    try:
                        client.step()
                    except Exception as exc:  # noqa: BLE001 - a client bug is a failure too
                        stats.fail(f"client error: {type(exc).__name__}: {exc}")

            threads = [threading.Thread(target=loop, args=(c,)) for c in clients]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.monotonic() - (stop - args.seconds)
            checked, problems = verify(base, stats, time.monotonic() + 120)
        finally:
            for proc in procs:
                proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()

    pages = stats.latencies.get("page", [])
    summary = {
        "clients": args.clients,
        "seconds": round(elapsed, 1),
        "requests": {k: len(v) for k, v in sorted(stats.latencies.items())},
        "failed_requests": len(stats.failures),
        "uploads": len(stats.uploads),
        "uploads_verified": checked,
        "lost_or_corrupted": len(problems),
        "page_p50_ms": round(percentile(pages, 50) * 1000, 1),
        "page_p95_ms": round(percentile(pages, 95) * 1000, 1),
        "upload_p95_ms": round(percentile(stats.latencies.get("upload", []), 95) * 1000, 1),
    }
    if args.keep:
        summary["kept"] = str(workdir)
    print(json.dumps(summary, indent=2))
    for line in (problems + stats.failures)[:20]:
        print("  ", line, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=2) + "\n")
    return 1 if stats.failures or problems or checked != len(stats.uploads) else 0


if __name__ == "__main__":
    sys.exit(main())
