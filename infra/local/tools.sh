#!/usr/bin/env bash
# Tools the tests and local runs need from Debian's packages, installed when missing, so that a
# fresh machine (CI runs as root on one) does not depend on what someone installed by hand.
#
#   infra/local/tools.sh ensure <debian-package> <binary> [<package> <binary> …]
#
# For each pair: nothing happens when <binary> is on PATH (or is an absolute path that exists).
# Otherwise, as root, `apt-get install` brings the package (after one `apt-get update` when the
# package lists are missing or the first attempt fails); not as root, it says which package to
# install and fails. Examples:
#   infra/local/tools.sh ensure prometheus promtool prometheus prometheus
#   infra/local/tools.sh ensure chromium chromium
set -euo pipefail

say() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

have() { if [[ "$1" == /* ]]; then [ -x "$1" ]; else command -v "$1" >/dev/null 2>&1; fi; }

apt_updated=false
apt_update() {
  $apt_updated && return 0
  say "apt-get update"
  apt-get update -qq -o DPkg::Lock::Timeout=300 >&2 || die "apt-get update failed"
  apt_updated=true
}

apt_install() {
  local pkg=$1
  export DEBIAN_FRONTEND=noninteractive
  # Another apt (a parallel test worker, unattended upgrades) may hold the lock: wait for it.
  local opts=(-y -q --no-install-recommends -o DPkg::Lock::Timeout=300)
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then apt_update; fi
  apt-get install "${opts[@]}" "$pkg" >&2 && return 0
  apt_update
  apt-get install "${opts[@]}" "$pkg" >&2
}

ensure() {
  [ $(( $# % 2 )) -eq 0 ] && [ $# -gt 0 ] || die "usage: tools.sh ensure <debian-package> <binary> [<package> <binary> …]"
  while [ $# -gt 0 ]; do
    local pkg=$1 bin=$2
    shift 2
    have "$bin" && continue
    if [ "$(id -u)" -ne 0 ]; then
      die "'$bin' is missing; install Debian's '$pkg' package (sudo apt-get install $pkg)"
    fi
    command -v apt-get >/dev/null || die "'$bin' is missing and apt-get is not available to install '$pkg'"
    say "installing $pkg (for $bin)"
    apt_install "$pkg" || die "apt-get install $pkg failed"
    have "$bin" || die "installed $pkg, but '$bin' is still not on PATH"
  done
}

cmd=${1:-}
shift || true
case "$cmd" in
  ensure) ensure "$@" ;;
  *) die "usage: tools.sh ensure <debian-package> <binary> [<package> <binary> …]" ;;
esac
