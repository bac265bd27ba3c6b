"""What the real-browser tests share: `streamlit run app.py` on a loopback port, Debian's Chromium
through Playwright, and a log of every request the pages make.

Imported by every real-browser test in tests/app. Never downloads a browser: a missing /usr/bin/chromium skips the test.
"""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run",
]
STARTUP_TIMEOUT = 120  # seconds until /_stcore/health answers (2 shared cores)
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium) to run browser tests")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(data: Path, corpus: Path, **extra: str) -> dict[str, str]:
    env = {
        **os.environ, "RAG_DATA_DIR": str(data), "RAG_CORPUS_DIR": str(corpus),
        "ANONYMIZED_TELEMETRY": "False", "HF_HUB_OFFLINE": "1", **extra,
    }
    for var in ("CHROMA_HOST", "RAG_EMBEDDING_MODEL", "RAG_COLLECTION", "RAG_TOP_K", "RAG_LLM", "RAG_DATABASE_URL"):
        env.pop(var, None)
    return env


def rag(args: list[str], env: dict[str, str], timeout: float = 600) -> subprocess.CompletedProcess:
    """``python -m rag ARGS`` in the project root."""
    return subprocess.run([sys.executable, "-m", "rag", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"streamlit did not become healthy in {STARTUP_TIMEOUT}s:\n{log.read_text(errors='replace')}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)  # its own process group: started with start_new_session
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=15)


@contextlib.contextmanager
def streamlit_app(env: dict[str, str], log: Path) -> Iterator[str]:
    """`streamlit run app.py` on 127.0.0.1 and a free port; yields its URL, stops it afterwards."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        _stop(proc)


def is_local(url: str) -> bool:
    """A URL the page may load: the app's own origin (or a data:/blob:/about: URL, which fetch nothing)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


# What the page shows, read in the page: hrefs and srcs resolved by the browser itself.
LINKS_AND_IMAGES_JS = r"""
() => ({
  links: [...document.querySelectorAll('a[href]')].map(a => ({
    href: a.href, text: a.innerText.slice(0, 120),
    inside: (a.closest('.minutes-context, .kwic, [data-testid]') || {className: ''}).className.split(' ')[0]
      + ' ' + ((a.closest('[data-testid]') || {dataset: {}}).dataset.testid || ''),
  })),
  images: [...document.querySelectorAll('img')].map(i => i.currentSrc || i.src || ''),
  sources: [...document.querySelectorAll('[src], [srcset], [data], [poster]')]
    .map(e => e.getAttribute('src') || e.getAttribute('srcset') || e.getAttribute('data') || e.getAttribute('poster') || '')
    .filter(s => s).map(s => { try { return new URL(s.trim().split(/\s+/)[0], location.href).href; } catch (e) { return s; } }),
  iframes: [...document.querySelectorAll('iframe')].map(f => f.src || f.getAttribute('srcdoc') || ''),
  katex: document.querySelectorAll('.katex, .katex-display, math').length,
  scripts: [...document.querySelectorAll('script')].filter(s => /alert/.test(s.textContent)).length,
  text: document.body.innerText,
})
"""
