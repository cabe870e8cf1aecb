#!/usr/bin/env bash
# Runs deploy/quickstart.sh for real in a tmux terminal, as a user would, and checks how it stops:
#   1. `gitops` is installed on PATH and works as the quick start prints it;
#   2. Ctrl-C stops `gitops up` with its HAProxy and private PostgreSQL, returns to the shell, and the
#      Docker engine and the demo containers keep running;
#   3. closing the terminal (tmux kill-window: a real hang-up) stops them all the same.
# Then it removes what it made: the demo containers, its data directory, and the installed gitops, the
# example certificate and the demo image when they were not there before.
#
#   DOCKER_HOST=unix:///run/gitops-test-docker/docker.sock deploy/quickstart-check.sh
#
# Without DOCKER_HOST, and no engine on /var/run/docker.sock, the quick start starts dockerd, and this
# check leaves it running, as the quick start says it does.
# Needs root, tmux, and ports 80, 443, 8404 and 15432 free. Prints one line per check; exits 1 on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd)

say() { echo "quickstart-check: $*"; }
fail() { say "FAILED: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || fail "run as root (the quick start binds ports 80 and 443)"
command -v tmux >/dev/null || fail "tmux is not installed"

data_dir=$(mktemp -d /tmp/gitops-quickstart-check.XXXXXX)
chmod 755 "$data_dir" # the private PostgreSQL runs as user postgres
session=gitops-quickstart-check-$$
transcript=$data_dir/terminal.log
had_install=$([[ -e /opt/gitops || -e /usr/local/bin/gitops ]] && echo yes || echo no)
had_certificate=$([[ -e /etc/gitops/certs/example.pem ]] && echo yes || echo no)
had_image=$(docker image inspect gitops-example/busybox >/dev/null 2>&1 && echo yes || echo no)

# After a failed check: closing the terminal stops `gitops up`; the pid files name anything left.
stop_leftovers() {
  tmux kill-session -t "$session" 2>/dev/null || true
  if [[ -f "$data_dir/run/haproxy.pid" ]]; then kill -TERM "$(cat "$data_dir/run/haproxy.pid")" 2>/dev/null || true; fi
  if [[ -f "$data_dir/postgres/data/postmaster.pid" ]]; then
    runuser -u postgres -- "$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl" stop -D "$data_dir/postgres/data" -m fast -w >/dev/null 2>&1 || true
  fi
}

cleanup() {
  stop_leftovers
  docker ps -aq --filter label=gitops-example=1 | xargs -r docker rm -f >/dev/null
  if [[ $had_image == no ]]; then docker image rm gitops-example/busybox >/dev/null 2>&1 || true; fi
  rm -rf "$data_dir"
  if [[ $had_install == no ]]; then rm -rf /opt/gitops /usr/local/bin/gitops; fi
  if [[ $had_certificate == no ]]; then rm -f /etc/gitops/certs/example.pem; rmdir -p /etc/gitops/certs 2>/dev/null || true; fi
}
trap cleanup EXIT

# Waits (bounded) until the terminal shows $1.
wait_for_terminal() {
  local text=$1 seconds=$2
  for _ in $(seq 1 $((seconds * 5))); do
    tmux capture-pane -p -J -S - -t "$session" >"$transcript" 2>/dev/null || true
    grep -qF -- "$text" "$transcript" && return 0
    sleep 0.2
  done
  cat "$transcript"
  fail "the terminal did not show \"$text\" within $seconds s"
}

# Waits (bounded) until nothing of this data directory's gitops up runs: up, HAProxy, PostgreSQL.
wait_all_stopped() {
  local what=$1
  for _ in $(seq 1 100); do
    if ! pgrep -f "up --repo $data_dir/example-repo" >/dev/null && ! pgrep -f "haproxy.*$data_dir" >/dev/null \
       && ! pgrep -f "postgres -D $data_dir" >/dev/null; then
      say "ok: $what stopped gitops up, its HAProxy and its PostgreSQL"
      return 0
    fi
    sleep 0.1
  done
  ps -eo pid,cmd | grep -F "$data_dir" | grep -v grep || true
  fail "$what left processes of $data_dir running after 10 s"
}

docker_keeps_running() {
  docker version >/dev/null 2>&1 || fail "the Docker engine stopped with gitops up"
  [[ $(docker ps -q --filter label=gitops-example=1 | wc -l) -eq 4 ]] || fail "the demo containers did not keep running"
  say "ok: the Docker engine and the 4 demo containers keep running"
}

start_quickstart() {
  tmux new-session -d -s "$session" -x 220 -y 50
  # A tmux server started earlier hands new sessions its own environment: name the engine explicitly.
  tmux send-keys -t "$session" "cd $project && DOCKER_HOST=${DOCKER_HOST:-} GITOPS_DATA_DIR=$data_dir deploy/quickstart.sh; echo QUICKSTART-EXIT=\$?" Enter
  wait_for_terminal "quickstart: running until Ctrl-C" 600
  grep -qE "curl -H \"Host: www.example.com\" http://127.0.0.1/  →  200" "$transcript" || { cat "$transcript"; fail "the example did not answer 200"; }
}

say "data directory $data_dir, Docker engine ${DOCKER_HOST:-the default}"
start_quickstart
say "ok: the quick start serves the example"

# 1. The installed command, typed as the quick start prints it, in a fresh login shell.
printed=$(grep -oE "status: .*" "$transcript" | head -1 | sed 's/^status: //')
[[ $printed == "gitops status --data-dir $data_dir" ]] || fail "the quick start printed \"$printed\", not a gitops command on PATH"
tmux new-window -t "$session"
tmux send-keys -t "$session:1" "bash -lc '$printed' >$data_dir/status.out 2>&1; echo STATUS-EXIT=\$? >>$data_dir/status.out" Enter
for _ in $(seq 1 150); do grep -q STATUS-EXIT "$data_dir/status.out" 2>/dev/null && break; sleep 0.2; done
grep -q "STATUS-EXIT=0" "$data_dir/status.out" || { cat "$data_dir/status.out"; fail "\`$printed\` failed in a login shell"; }
say "ok: \`$printed\` works in a fresh login shell ($(command -v gitops))"
tmux kill-window -t "$session:1"

# 2. Ctrl-C.
tmux send-keys -t "$session:0" C-c
wait_for_terminal "QUICKSTART-EXIT=0" 30
say "ok: Ctrl-C ended the quick start (exit 0) and returned to the shell"
wait_all_stopped "Ctrl-C"
grep -qF "quickstart: the demo containers keep running" "$transcript" || fail "the quick start did not say what keeps running"
docker_keeps_running
tmux kill-session -t "$session"

# 3. The terminal closed.
start_quickstart
tmux kill-session -t "$session"
wait_all_stopped "closing the terminal"
docker_keeps_running

say "all checks passed"
