#!/usr/bin/env bash
# Install everything the project needs; safe to run again (it only redoes what changed).
#   scripts/setup.sh            .venv (pinned Python packages) and the reports' npm packages
#   scripts/setup.sh --browser  the same, plus Debian's chromium for the browser tests
#   scripts/setup.sh --spark    the same, plus Java 17 (Debian) and the pinned Spark packages
#                               (requirements-spark.lock.txt; docs/spark.md); options combine
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
    if [ "$(id -u)" != 0 ]; then
        echo "setup: please install $* (as root: apt-get install -y $*)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@"
}

python_bin=${PYTHON:-python3}
if ! "$python_bin" -c 'import venv, ensurepip' 2>/dev/null; then
    apt_install python3 python3-venv
fi
if [ ! -x .venv/bin/python ]; then
    echo "setup: creating .venv"
    "$python_bin" -m venv .venv
fi
if ! cmp -s requirements.lock.txt .venv/.installed-requirements; then
    echo "setup: installing pinned Python packages (requirements.lock.txt)"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock.txt
    cp requirements.lock.txt .venv/.installed-requirements
fi

if [ -f reports/package-lock.json ]; then
    if ! command -v npm >/dev/null; then
        apt_install nodejs npm
    fi
    if ! cmp -s reports/package-lock.json reports/node_modules/.installed-package-lock; then
        echo "setup: installing the reports' npm packages (reports/package-lock.json)"
        (cd reports && npm ci --no-audit --no-fund --loglevel=error)
        cp reports/package-lock.json reports/node_modules/.installed-package-lock
    fi
fi

if [[ " $* " == *" --browser "* ]] && [ ! -x /usr/bin/chromium ]; then
    echo "setup: installing Debian's chromium for the browser tests"
    apt_install chromium
fi

# The Spark engine (docs/spark.md): only with --spark; the default path never needs Java.
if [[ " $* " == *" --spark "* ]]; then
    if ! ls -d /usr/lib/jvm/java-17-openjdk-* >/dev/null 2>&1; then
        echo "setup: installing Debian's Java 17 for Spark"
        apt_install openjdk-17-jre-headless
    fi
    if ! cmp -s requirements-spark.lock.txt .venv/.installed-requirements-spark; then
        echo "setup: installing pinned Spark packages (requirements-spark.lock.txt)"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-spark.lock.txt
        cp requirements-spark.lock.txt .venv/.installed-requirements-spark
    fi
fi
