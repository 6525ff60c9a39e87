"""A wrong environment stops start-up with one line that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _socmap(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SECRET_KEY", "SECRET_KEY"}
    }
    clean.update({"SOCMAP_VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "socmap.settings", **env})
    return subprocess.run(
        [sys.executable, "-m", "socmap", *args],
        capture_output=True,
        text=True,
        env=clean,
        cwd=ROOT,
        timeout=120,
    )


@pytest.mark.parametrize("url", ["mysql//nobody", "nonsense", "postgres://", "ftp://host/db"])
def test_malformed_database_url_is_one_line_naming_it(tmp_path: Path, url: str) -> None:
    result = _socmap(["check"], tmp_path, DATABASE_URL=url)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "DATABASE_URL is malformed" in lines[0]


def test_production_without_a_secret_key_refuses_to_start(tmp_path: Path) -> None:
    result = _socmap(["check"], tmp_path, SOCMAP_ENV="production")
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "SECRET_KEY" in lines[0]


def test_local_use_generates_a_secret_key_once(tmp_path: Path) -> None:
    assert _socmap(["check"], tmp_path).returncode == 0
    key = (tmp_path / "secret_key").read_text()
    assert len(key) > 40
    assert _socmap(["check"], tmp_path).returncode == 0
    assert (tmp_path / "secret_key").read_text() == key


GOOD_KEY = "k3Y-" + "x9Q2v7Lm4Rt8" * 5


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = _socmap(
        ["check"], tmp_path, SOCMAP_ENV="production", DJANGO_SECRET_KEY=GOOD_KEY, DJANGO_DEBUG="true"
    )
    assert result.returncode == 2
    assert "DJANGO_DEBUG is on in production" in result.stderr


@pytest.mark.parametrize("key", ["x", "changeme-please-this-is-a-long-enough-key-of-fifty-chars", "a" * 80])
def test_production_refuses_a_short_or_placeholder_secret(tmp_path: Path, key: str) -> None:
    result = _socmap(["check"], tmp_path, SOCMAP_ENV="production", DJANGO_SECRET_KEY=key)
    assert result.returncode == 2
    assert "DJANGO_SECRET_KEY is too weak for production" in result.stderr


def test_production_refuses_tokens_that_never_expire(tmp_path: Path) -> None:
    result = _socmap(
        ["check"], tmp_path, SOCMAP_ENV="production", DJANGO_SECRET_KEY=GOOD_KEY, SOCMAP_TOKEN_DAYS="0"
    )
    assert result.returncode == 2
    assert "SOCMAP_TOKEN_DAYS" in result.stderr


@pytest.mark.parametrize("web", ["", "true"])
def test_postgresql_connections_compile_nothing_just_in_time_and_web_ones_ask_no_parallel_workers(
    tmp_path: Path, web: str
) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SOCMAP_WEB"}}
    env |= {"SOCMAP_VAR_DIR": str(tmp_path), "DATABASE_URL": "postgres://someone@127.0.0.1:5432/somewhere"}
    if web:
        env["SOCMAP_WEB"] = web
    code = "from socmap.settings import DATABASES; print(DATABASES['default']['OPTIONS'])"
    shown = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    ).stdout
    assert "-c jit=off" in shown
    assert ("max_parallel_workers_per_gather=0" in shown) == bool(web)
