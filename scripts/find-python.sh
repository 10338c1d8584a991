#!/usr/bin/env bash
# Print the path of a Python interpreter that is 3.12 or newer.
#
# A name on PATH is not enough: pyenv puts shims for every version it knows on
# PATH, and a shim for a version that is not selected fails with "command not
# found" when run. So each candidate is run and asked for its version.
set -euo pipefail

MIN_MAJOR=3
MIN_MINOR=12

# Prints the interpreter's absolute path if it runs and is new enough.
usable() {
    "$1" -c "
import sys
if sys.version_info < ($MIN_MAJOR, $MIN_MINOR):
    sys.exit(1)
print(sys.executable)
" 2>/dev/null
}

candidates=()
if [[ -n "${PYTHON:-}" ]]; then
    candidates+=("$PYTHON")
fi
for name in python3.13 python3.12 python3; do
    if command -v "$name" >/dev/null 2>&1; then
        candidates+=("$name")
    fi
done
# pyenv may be installed but not on PATH (non-login shells, CI), so fall back
# to its usual home.
pyenv_root=""
if command -v pyenv >/dev/null 2>&1; then
    pyenv_root="$(pyenv root 2>/dev/null || true)"
fi
pyenv_root="${pyenv_root:-${PYENV_ROOT:-$HOME/.pyenv}}"
if [[ -d "$pyenv_root/versions" ]]; then
    # 3.13 before 3.12, newest patch release first within each.
    for series in 3.13 3.12; do
        while IFS= read -r dir; do
            candidates+=("$dir/bin/python")
        done < <(ls -d "$pyenv_root/versions/$series"* 2>/dev/null | sort -rV)
    done
fi

for candidate in "${candidates[@]}"; do
    if path="$(usable "$candidate")" && [[ -n "$path" ]]; then
        echo "$path"
        exit 0
    fi
done

cat >&2 <<EOF
error: Plea needs Python $MIN_MAJOR.$MIN_MINOR or newer, and none was found.
Tried: ${candidates[*]:-(no python3 on PATH)}
Install one, for example:
    apt-get install python3.13        (Debian 13 trixie)
    apt-get install python3.12        (Ubuntu 24.04)
    pyenv install 3.13                (anywhere pyenv is set up)
or point to one explicitly:  PYTHON=/path/to/python3.13 make ...
EOF
exit 1
