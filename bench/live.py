"""A throwaway netviz server for browser measurements: temp SQLite, one review, `runserver`.

Used by bench/page_load.py, bench/draft_eval.py and the scripts/screenshots*.py (which end with
report_shots); not part of the web app.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def report_shots(taken: list[str], failed: list[str]) -> int:
    """The screenshot scripts' ending: each file taken, each visual check failed; exit status."""
    for name in taken:
        print(f"docs/screenshots/{name}")
    for problem in failed:
        print(f"VISUAL CHECK FAILED {problem}", file=sys.stderr)
    return 1 if failed else 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _setup_django(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # Analyse every upload at once, even a big one the web app would leave to its task worker.
    os.environ["NETVIZ_BACKGROUND_KB"] = str(1024 * 1024)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "netviz.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@contextmanager
def serve(reviews: list[tuple[str, list[tuple[str, str]]]], worker: bool = False):
    """Yield (base URL, [view token, ...]) with each (title, files) stored as a review; with
    `worker`, a task worker runs beside the server (as `make run` starts one)."""
    with tempfile.TemporaryDirectory(prefix="netviz-live-") as tmp:
        database = Path(tmp) / "db.sqlite3"
        _setup_django(database)
        from netviz.web.services import Upload, create_review

        tokens = []
        for title, files in reviews:
            review, _rev, _edit = create_review(
                title, [Upload(name, text.encode()) for name, text in files]
            )
            tokens.append(review.view_token)
        port = _free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
        # This process's Django keeps the database of its first serve(): migrate this one apart.
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--insecure",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        jobs = None
        if worker:
            jobs = subprocess.Popen(
                [sys.executable, "manage.py", "db_worker", "--interval", "0.25", "-v", "0"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise RuntimeError("the server did not start")
            yield f"http://127.0.0.1:{port}", tokens
        finally:
            for process in (server, jobs):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=10)
