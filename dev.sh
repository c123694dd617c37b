#!/usr/bin/env bash
# Set everything up on a fresh machine (Python 3.11+ only), then run the demo or the tests.
#   bash dev.sh demo    - head office with demo borrowers, an enrolled laptop, the app
#   bash dev.sh test    - formatting, lint, layering contracts and the whole test suite
set -euo pipefail
cd "$(dirname "$0")"

python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "dev.sh: fieldapp needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
    exit 1
fi
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
# Reinstall only when the dependencies change.
stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[dev]"
    rm -f .venv/.installed-* && touch "$stamp"
fi

case "${1:-}" in
    demo)
        exec .venv/bin/fieldapp demo
        ;;
    test)
        shift
        # Server tests run on PostgreSQL too when it is installed (CI installs it):
        # a throwaway cluster on a loopback port; without it they are skipped.
        if [ -z "${FIELDAPP_TEST_PG:-}" ] && [ "$(id -u)" = 0 ] && ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
            FIELDAPP_TEST_PG=$(bash .ci/postgres.sh 55432 /tmp/fieldapp-test-pg) && export FIELDAPP_TEST_PG
        fi
        .venv/bin/ruff format --check .
        .venv/bin/ruff check .
        .venv/bin/lint-imports
        # Three workers on a 2-core box: many tests wait on a server or a terminal, so
        # two left the cores idle 40% of the time (690 s); three took 570 s, four 632 s.
        exec .venv/bin/pytest -n "${FIELDAPP_TEST_WORKERS:-3}" --dist worksteal "$@"
        ;;
    *)
        echo "usage: bash dev.sh demo | bash dev.sh test [pytest args]" >&2
        exit 2
        ;;
esac
