#!/usr/bin/env bash
# Installs what gitops and its test suite need on Debian 12, from Debian's own packages.
# Idempotent: prints nothing and changes nothing when everything is already installed.
# Usage: deploy/setup.sh            (as root, or as a user with sudo)
set -euo pipefail

packages=(haproxy postgresql git openssh-client openssh-server docker.io docker-compose busybox-static wrk socat openssl ca-certificates curl keepalived iproute2 iptables util-linux chromium)

fail() {
  echo "setup: $*" >&2
  exit 1
}

command -v dpkg-query >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 \
  || fail "this script needs a Debian-based system with apt-get (tested on Debian 12). Install these packages by other means: ${packages[*]}"

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    fail "missing packages: ${missing[*]}. Run this script as root (or with password-less sudo) to install them."
  fi

  echo "setup: installing ${missing[*]} from Debian's packages"
  log=$(mktemp)
  # Package scripts may try to start services; in a container without systemd that is harmless.
  if ! { "${sudo[@]}" apt-get update -q && DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    fail "apt-get could not install: ${missing[*]} (full log: $log)"
  fi
  rm -f "$log"
fi

# Verify the programs the code actually runs, so a half-installed machine fails here, not in a test.
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[[ -n "$pg_bin" && -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] || fail "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin"
for program in haproxy git ssh ssh-keygen sshd dockerd docker wrk socat openssl keepalived ip iptables ip6tables flock; do
  command -v "$program" >/dev/null 2>&1 || [[ -x "/usr/sbin/$program" ]] || fail "'$program' is still missing after installing ${packages[*]}"
done
[[ -x /bin/busybox ]] || fail "/bin/busybox (package busybox-static) is missing"
command -v dotnet >/dev/null 2>&1 || fail "the .NET SDK is not on PATH; install the .NET 10 SDK first"
