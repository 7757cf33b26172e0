#!/usr/bin/env bash
# Installs the system tools the tests need, from Debian's packages:
#   chromium   - the headless browser the widget tests drive with Playwright
#   bubblewrap - the sandbox each student kernel runs in when grading
#   npm        - installs JupyterHub's proxy (the hub test, `make hub`) and MathJax (`make hand-grade`)
#   postgresql - the gradebook a Dask cluster's workers share (the cluster tests start a throwaway server)
#   zip        - Info-ZIP's zip, whose archives the intake reads as students and TAs make them (a test)
# Only root on a Debian-like system can do this; anyone else is told what is missing.
set -u
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v bwrap >/dev/null 2>&1 || need+=(bubblewrap)
command -v npm >/dev/null 2>&1 || need+=(npm)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v zip >/dev/null 2>&1 || need+=(zip)
[ ${#need[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "system-deps: installing ${need[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1 || {
        apt-get update >/dev/null 2>&1 && apt-get install -y --no-install-recommends "${need[@]}" >/dev/null 2>&1
    } || echo "system-deps: apt-get could not install ${need[*]}" >&2
else
    echo "system-deps: missing ${need[*]}; install them with your package manager" \
         "(Debian/Ubuntu: sudo apt-get install ${need[*]})." >&2
    echo "system-deps: without them the browser tests are skipped and grading refuses to run" \
         "unsandboxed unless you pass UNSANDBOXED=1." >&2
fi
exit 0
