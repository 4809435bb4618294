#!/usr/bin/env bash
# Install whatever is missing for development, tests and the demo; safe to run again.
#
#   1. Debian packages listed in scripts/apt-packages.txt (apt-get only when one is missing);
#   2. .venv with Python 3.11 (recreated if absent or broken);
#   3. the exact pins of requirements.lock (only when the lock changed since the last install);
#   4. compiled translations (locale/*.po -> .mo), when there are any;
#   5. data packages from npm (package-lock.json: the national division codes for
#      `manage.py load_regions`), when npm is there and the lock changed; without npm only that
#      command lacks its data (apt-get install npm).
#
# Environment: PYTHON=/path/to/python3.11 chooses the interpreter for a new .venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

say() { printf '==> %s\n' "$*"; }
die() { printf 'bootstrap: %s\n' "$*" >&2; exit 1; }

VENV=.venv
STAMP=$VENV/.requirements.sha256

# --- 1. Debian packages --------------------------------------------------------------------
missing=()
while IFS= read -r line || [ -n "$line" ]; do
    pkg=${line%%#*}
    pkg=${pkg//[[:space:]]/}
    [ -n "$pkg" ] || continue
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [ "${status##* }" = installed ] || missing+=("$pkg")  # "install ok installed", "hold ok installed"
done < scripts/apt-packages.txt

if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    if [ "$(id -u)" -eq 0 ]; then
        SUDO=()
    elif command -v sudo >/dev/null; then
        SUDO=(sudo)
    else
        die "missing Debian packages (${missing[*]}) and no sudo: install them as root."
    fi
    apt_log=$(mktemp "${TMPDIR:-/tmp}/supervision-apt.XXXXXX")
    apt() { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o DPkg::Lock::Timeout=300 "$@"; }
    if ! { apt update && apt install -y --no-install-recommends "${missing[@]}"; } >"$apt_log" 2>&1; then
        tail -n 30 "$apt_log" >&2
        die "apt-get failed (full log: $apt_log)"
    fi
    rm -f "$apt_log"
else
    say "Debian packages: all present"
fi

# --- 2. Virtual environment ----------------------------------------------------------------
is_py311() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' 2>/dev/null; }

if [ -e "$VENV" ] && ! is_py311 "$VENV/bin/python"; then
    say "Removing $VENV: its Python is missing or not 3.11"
    rm -rf "$VENV"
fi
if [ ! -e "$VENV/bin/python" ]; then
    python=
    for candidate in ${PYTHON:-} python3.11 python3 /usr/bin/python3.11; do
        if command -v "$candidate" >/dev/null && is_py311 "$candidate"; then
            python=$(command -v "$candidate")
            break
        fi
    done
    [ -n "$python" ] || die "no Python 3.11 found (set PYTHON=/path/to/python3.11)."
    say "Creating $VENV with $python ($("$python" -V 2>&1))"
    "$python" -m venv "$VENV" || { rm -rf "$VENV"; die "could not create $VENV with $python"; }
fi

# --- 3. Python packages --------------------------------------------------------------------
want=$( { sha256sum requirements.lock; "$VENV/bin/python" -V; } 2>&1 | sha256sum | cut -d' ' -f1)
have=$(cat "$STAMP" 2>/dev/null || true)
if [ "$want" != "$have" ]; then
    say "Installing Python packages from requirements.lock"
    rm -f "$STAMP"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_PROGRESS_BAR=off \
        "$VENV/bin/python" -m pip install --require-virtualenv --quiet -r requirements.lock
    # Name what the lock does not list (installed by hand, or dropped from the lock); a fresh
    # .venv, as in CI, has none of it. Left in place: a colleague may be trying it out.
    "$VENV/bin/python" - <<'EOF'
import re, subprocess, sys
norm = lambda name: re.sub(r"[-_.]+", "-", name.strip()).lower()
names = lambda lines: {norm(re.split(r"==| @ ", l)[0]) for l in lines if re.search(r"==| @ ", l) and l[:1] not in "#-"}
freeze = subprocess.run([sys.executable, "-m", "pip", "freeze"], capture_output=True, text=True, check=True)
extra = sorted(names(freeze.stdout.splitlines()) - names(open("requirements.lock")))
if extra:
    print("==> Installed but not in requirements.lock (left as they are):", " ".join(extra))
EOF
    echo "$want" > "$STAMP"
else
    say "Python packages: up to date with requirements.lock"
fi

# --- 4. Translations -----------------------------------------------------------------------
# compilemessages stops with an error when there is no locale directory at all, and a fresh
# clone has none until the first catalogue is committed; skip until there is a .po file.
if find . -path ./.venv -prune -o -path ./node_modules -prune -o -name '*.po' -print -quit | grep -q .; then
    say "Compiling translations"
    DEBUG=${DEBUG:-1} "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=node_modules \
        --verbosity 0
else
    say "Translations: no .po files yet"
fi

# --- 5. Data packages (npm) ----------------------------------------------------------------
NPM_STAMP=node_modules/.supervision-lock.sha256
if [ -f package-lock.json ]; then
    npm_want=$(sha256sum package-lock.json | cut -d' ' -f1)
    if [ "$npm_want" = "$(cat "$NPM_STAMP" 2>/dev/null || true)" ]; then
        say "Data packages: up to date with package-lock.json"
    elif command -v npm >/dev/null; then
        say "Installing data packages from package-lock.json (npm ci)"
        npm ci --ignore-scripts --omit=dev --no-audit --no-fund --loglevel=error
        echo "$npm_want" > "$NPM_STAMP"
    else
        say "Data packages: npm not found; manage.py load_regions needs it (apt-get install npm, then run this again)"
    fi
fi

say "Ready: $VENV ($("$VENV/bin/python" -V 2>&1))"
