#!/usr/bin/env bash
# Create (or refresh) the Rasa NLU service's own virtual environment: .venv-rasa, Python 3.10.
#
# Idempotent: a stamp file keyed on nlu/requirements.txt's hash makes a second run instant.
# Rasa 3.6 needs Python 3.10; it is looked up as `python3.10` on PATH, then under
# $(pyenv root)/versions/3.10*/bin/python3.10. Override with PYTHON310=/path/to/python3.10.
# Override the location with RASA_VENV=/path/to/venv.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${RASA_VENV:-$ROOT/.venv-rasa}"
REQUIREMENTS="$ROOT/nlu/requirements.txt"
STAMP="$VENV/.doorstep-requirements.sha256"

say() { printf '[setup_rasa_venv] %s\n' "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

find_python310() {
    if [[ -n "${PYTHON310:-}" ]]; then
        [[ -x "$PYTHON310" ]] || die "PYTHON310=$PYTHON310 is not an executable"
        echo "$PYTHON310"; return
    fi
    if command -v python3.10 >/dev/null 2>&1 && python3.10 -c 'import sys' >/dev/null 2>&1; then
        command -v python3.10; return
    fi
    local root candidate
    if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root)"; else root="${PYENV_ROOT:-$HOME/.pyenv}"; fi
    for candidate in "$root"/versions/3.10*/bin/python3.10; do
        [[ -x "$candidate" ]] && { echo "$candidate"; return; }
    done
    return 1
}

[[ -f "$REQUIREMENTS" ]] || die "missing $REQUIREMENTS"
WANT="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"

if [[ -x "$VENV/bin/rasa" && -f "$STAMP" && "$(cat "$STAMP")" == "$WANT" ]]; then
    say "up to date: $VENV (requirements ${WANT:0:12})"
    touch "$VENV/.ready"
    exit 0
fi

PY="$(find_python310)" || die "Python 3.10 not found. Rasa 3.6 runs only on Python 3.10.
  Install it (e.g. 'pyenv install 3.10.13' or your OS package python3.10 + python3.10-venv),
  or point PYTHON310 at its interpreter, then run this script again."
"$PY" -c 'import sys; assert sys.version_info[:2] == (3, 10), sys.version' \
    || die "$PY is not Python 3.10"

if [[ -x "$VENV/bin/python" ]] && ! "$VENV/bin/python" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
    say "$VENV exists but is not a Python 3.10 venv; recreating it"
    rm -rf "$VENV"
fi
if [[ ! -x "$VENV/bin/python" ]]; then
    say "creating $VENV with $PY"
    "$PY" -m venv "$VENV" || die "could not create the venv (on Debian/Ubuntu: apt install python3.10-venv)"
fi

say "installing nlu/requirements.txt into $VENV (rasa + TensorFlow: about 2 minutes the first time)"
rm -f "$STAMP" "$VENV/.ready"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off \
    -r "$REQUIREMENTS" || die "pip install failed (see above)"
"$VENV/bin/rasa" --version >/dev/null 2>&1 || die "rasa does not run in $VENV after the install"
echo "$WANT" > "$STAMP"
touch "$VENV/.ready"  # the Makefile's target for "the Rasa venv is installed"
say "ready: $VENV ($("$VENV/bin/rasa" --version 2>/dev/null | grep -i '^rasa version' | head -1 | tr -s ' '))"
