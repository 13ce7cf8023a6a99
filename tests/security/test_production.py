"""Production mode: `check --deploy` is clean, a missing or malformed setting stops the start, and
gunicorn + WhiteNoise serve the app with its headers (a real server on loopback)."""

from __future__ import annotations

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings

BASE = Path(settings.BASE_DIR)
GUNICORN = Path(sys.executable).with_name("gunicorn")


def production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NETVIZ_", "DJANGO_"))}
    env.update(
        NETVIZ_PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="netviz.example.org,127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'netviz.sqlite3'}",
        NETVIZ_STATIC_ROOT=str(tmp_path / "static"),
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    done = manage(production_env(tmp_path), "check", "--deploy", "--fail-level", "DEBUG")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout


BAD = {
    "no SECRET_KEY": ({"SECRET_KEY": None}, "SECRET_KEY must be set"),
    "short SECRET_KEY": ({"SECRET_KEY": "too-short"}, "at least 50 random characters"),
    "no ALLOWED_HOSTS": ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set"),
    "ALLOWED_HOSTS *": ({"ALLOWED_HOSTS": "*"}, "'*' is refused in production"),
    "DEBUG on": ({"NETVIZ_DEBUG": "1"}, "NETVIZ_DEBUG must be off"),
    "upload limit not a number": (
        {"NETVIZ_MAX_UPLOAD_MB": "lots"},
        "NETVIZ_MAX_UPLOAD_MB must be an integer, got 'lots'",
    ),
    "upload limit zero": ({"NETVIZ_MAX_UPLOAD_MB": "0"}, "NETVIZ_MAX_UPLOAD_MB must be at least 1"),
    "database scheme": (
        {"DATABASE_URL": "mysql://db/netviz"},
        "DATABASE_URL scheme 'mysql' is not supported",
    ),
    "database without name": (
        {"DATABASE_URL": "postgres://db:5432/"},
        "DATABASE_URL names no database",
    ),
    "HTTPS flag": ({"NETVIZ_HTTPS": "maybe"}, "NETVIZ_HTTPS must be a boolean"),
}


@pytest.mark.parametrize("overrides,message", BAD.values(), ids=BAD.keys())
def test_a_missing_or_malformed_setting_stops_the_start_with_its_name(tmp_path, overrides, message):
    done = manage(production_env(tmp_path, **overrides), "check")
    assert done.returncode != 0
    assert "ConfigError" in done.stderr
    assert message in done.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """gunicorn with production settings on a loopback port, plain HTTP (NETVIZ_HTTPS=0)."""
    env = production_env(tmp_path, NETVIZ_HTTPS="0", ALLOWED_HOSTS="127.0.0.1")
    for command in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
        done = manage(env, *command)
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = open(tmp_path / "gunicorn.log", "w+")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [str(GUNICORN), "netviz.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=BASE,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/", timeout=2).close()
            break
        except OSError:
            time.sleep(0.2)
    try:
        yield url, tmp_path / "gunicorn.log"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_gunicorn_and_whitenoise_serve_pages_static_files_and_uploads(server):
    url, log_path = server
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    home = opener.open(url + "/")
    html = home.read().decode()
    assert home.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert home.headers["Referrer-Policy"] == "same-origin"
    # WhiteNoise serves the content-hashed copy, cacheable for ever, and compressed on request.
    css = re.search(r'href="(/static/css/netviz\.[0-9a-f]{12}\.css)"', html).group(1)
    static = opener.open(urllib.request.Request(url + css, headers={"Accept-Encoding": "gzip"}))
    assert static.status == 200
    assert "immutable" in static.headers["Cache-Control"]
    assert static.headers["Content-Encoding"] == "gzip"
    # A form upload passes CSRF through the real server, and lands on the edit page.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\n"
    body = urlencode({"csrfmiddlewaretoken": token, "text": pod})
    request = urllib.request.Request(
        url + "/", data=body.encode(), headers={"Origin": url, "Referer": url + "/"}
    )
    landed = opener.open(request)
    assert landed.status == 200
    edit_path = urllib.request.urlparse(landed.url).path
    assert edit_path.startswith("/e/")
    # The access log masks the edit token.
    time.sleep(0.5)
    log = log_path.read_text()
    assert "/e/[token]/" in log
    assert edit_path not in log
