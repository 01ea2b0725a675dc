"""Training and running the Rasa server from the app's side: model keyed on content, a subprocess.

The model file is named after a hash of config.yml, domain.yml and nlu/data/**/*.yml, so
`train` does nothing when none of them changed, and a server is always started on the model
that matches the data in the working tree.
"""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.settings import PROJECT_ROOT, Settings

NLU_DIR = PROJECT_ROOT / "nlu"
MODELS_DIR = NLU_DIR / "models"
RASA_VENV = Path(os.environ.get("DOORSTEP_RASA_VENV", PROJECT_ROOT / ".venv-rasa"))
CACHE_DIR = PROJECT_ROOT / "var" / "rasa-cache"


class RasaSetupError(RuntimeError):
    """Rasa cannot be run here: its venv is missing, training failed, the server never came up."""


def rasa_executable() -> Path:
    """The `rasa` command of the project's Python 3.10 venv."""
    path = RASA_VENV / "bin" / "rasa"
    if not path.exists():
        raise RasaSetupError(
            f"{path} not found: run `bash scripts/setup_rasa_venv.sh` (or `make setup`) to create "
            "the Rasa environment"
        )
    return path


def training_files(nlu_dir: Path = NLU_DIR) -> list[Path]:
    """What the model is trained from: the config, the domain and every data file."""
    files = [nlu_dir / "config.yml", nlu_dir / "domain.yml"]
    files += sorted((nlu_dir / "data").rglob("*.yml")) + sorted((nlu_dir / "data").rglob("*.yaml"))
    return [f for f in files if f.is_file()]


def model_hash(nlu_dir: Path = NLU_DIR) -> str:
    """A hash of the training files' names and contents (12 hex digits)."""
    digest = hashlib.sha256()
    for path in training_files(nlu_dir):
        digest.update(path.relative_to(nlu_dir).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def model_path(nlu_dir: Path = NLU_DIR, models_dir: Path = MODELS_DIR) -> Path:
    return models_dir / f"nlu-{model_hash(nlu_dir)}.tar.gz"


def rasa_env() -> dict[str, str]:
    """Rasa's environment: no telemetry, caches inside the repo's ignored var/."""
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        RASA_TELEMETRY_ENABLED="false",
        RASA_CACHE_DIRECTORY=str(CACHE_DIR),
        TF_CPP_MIN_LOG_LEVEL="2",
        PYTHONWARNINGS="ignore",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    # The app's venv must not leak into Rasa's interpreter.
    env.pop("PYTHONPATH", None)
    env.pop("VIRTUAL_ENV", None)
    return env


@dataclass(frozen=True, slots=True)
class TrainResult:
    model: Path
    trained: bool  # False when the model for this data already existed
    seconds: float


def train(*, force: bool = False, on_line: Callable[[str], None] | None = None) -> TrainResult:
    """Train the NLU model unless the one for the current data already exists."""
    target = model_path()
    if target.exists() and not force:
        return TrainResult(target, False, 0.0)
    MODELS_DIR.mkdir(parents=True, exist_ok=True)
    command = [
        str(rasa_executable()),
        "train",
        "nlu",
        "-c",
        str(NLU_DIR / "config.yml"),
        "-u",
        str(NLU_DIR / "data"),
        "--out",
        str(MODELS_DIR),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    started = time.monotonic()
    lines: list[str] = []
    with subprocess.Popen(
        command,
        cwd=PROJECT_ROOT / "var",
        env=rasa_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        bufsize=1,
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip())
            if on_line:
                on_line(line.rstrip())
        code = process.wait()
    if code != 0 or not target.exists():
        tail = "\n".join(lines[-25:])
        raise RasaSetupError(f"`rasa train nlu` failed (exit {code}):\n{tail}")
    return TrainResult(target, True, time.monotonic() - started)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_ready(url: str, token: str, *, timeout: float = 1.0) -> bool:
    """True when a Rasa server answers /status at `url` with a model loaded."""
    try:
        response = httpx.get(
            f"{url.rstrip('/')}/status", params={"token": token}, timeout=timeout, trust_env=False
        )
    except httpx.HTTPError:
        return False
    return response.status_code == 200 and bool(response.json().get("model_file"))


@dataclass
class RasaServer:
    """A `rasa run --enable-api` subprocess on one model."""

    model: Path
    port: int
    token: str
    log_path: Path
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    ready_after: float | None = None  # seconds from process start to /status ready

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        command = [
            str(rasa_executable()),
            "run",
            "--enable-api",
            "-m",
            str(self.model),
            "-i",
            "127.0.0.1",
            "-p",
            str(self.port),
            "--auth-token",
            self.token,
        ]
        log = self.log_path.open("ab")
        self.started_at = time.monotonic()
        self.process = subprocess.Popen(
            command,
            cwd=PROJECT_ROOT / "var",
            env=rasa_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stop() reaches its children
        )
        log.close()

    def wait_ready(self, timeout: float = 120.0, on_tick: Callable[[float], None] | None = None):
        """Block until /status answers with the model loaded; raise if the process dies."""
        assert self.process is not None, "start() first"
        deadline = self.started_at + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RasaSetupError(
                    f"the Rasa server exited with {self.process.returncode} before it was ready; "
                    f"see {self.log_path}:\n{self._log_tail()}"
                )
            if server_ready(self.url, self.token, timeout=0.5):
                self.ready_after = time.monotonic() - self.started_at
                return
            if on_tick:
                on_tick(time.monotonic() - self.started_at)
            time.sleep(0.2)
        self.stop()
        raise RasaSetupError(
            f"the Rasa server was not ready after {timeout:.0f}s; see {self.log_path}"
        )

    def stop(self, grace: float = 10.0) -> None:
        """SIGTERM the server's process group, SIGKILL it if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=grace)
        except ProcessLookupError:
            pass

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def start_server(
    settings: Settings,
    *,
    port: int | None = None,
    log_path: Path | None = None,
    timeout: float = 120.0,
    on_tick: Callable[[float], None] | None = None,
    model: Path | None = None,
) -> RasaServer:
    """Start a server on `model` (default: the current data's, which must be trained) and wait
    until it is ready."""
    model = model or model_path()
    if not model.exists():
        raise RasaSetupError(
            f"no model for the current NLU data ({model.name}): run `doorstep nlu train`"
        )
    port = port or free_port()
    server = RasaServer(
        model=model,
        port=port,
        token=settings.rasa_token,
        log_path=log_path or PROJECT_ROOT / "var" / "log" / f"rasa-{port}.log",
    )
    server.start()
    try:
        server.wait_ready(timeout=timeout, on_tick=on_tick)
    except BaseException:
        server.stop()
        raise
    return server


@contextmanager
def ensure_server(
    settings: Settings, *, on_line: Callable[[str], None] | None = None
) -> Iterator[str]:
    """The URL of a ready Rasa server: the one at RASA_URL if it answers, else one started here
    (training first if needed) and stopped on exit."""
    if server_ready(settings.rasa_url, settings.rasa_token):
        yield settings.rasa_url
        return
    train(on_line=on_line)
    server = start_server(settings)
    try:
        yield server.url
    finally:
        server.stop()


def main_serve(settings: Settings, port: int) -> int:
    """`doorstep nlu serve`: rasa run in the foreground on the current model."""
    model = model_path()
    if not model.exists():
        raise RasaSetupError(
            f"no model for the current NLU data ({model.name}): run `doorstep nlu train`"
        )
    command = [
        str(rasa_executable()),
        "run",
        "--enable-api",
        "-m",
        str(model),
        "-i",
        os.environ.get("RASA_HOST", "127.0.0.1"),
        "-p",
        str(port),
        "--auth-token",
        settings.rasa_token,
    ]
    process = subprocess.Popen(command, cwd=PROJECT_ROOT / "var", env=rasa_env())
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.send_signal(signal.SIGINT)
        return process.wait()
