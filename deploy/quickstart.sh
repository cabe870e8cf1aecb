#!/usr/bin/env bash
# The README's first command: installs what gitops needs (deploy/setup.sh), installs the `gitops`
# command (published to /opt/gitops, run as /usr/local/bin/gitops; as another user ~/.local/opt/gitops
# and ~/.local/bin/gitops), and runs the main job, `gitops up`, on the example repository until Ctrl-C.
#
#   deploy/quickstart.sh [--repo <path|url>]
#
# With the example (the default) it also makes what the example needs on this machine: a
# self-signed certificate at /etc/gitops/certs/example.pem, a Git history for the example files
# (under the data directory — /var/lib/gitops as root — reused on the next run), and a few labelled demo containers when a
# Docker engine answers, so every example service has something behind it. Run as root: the
# example listens on ports 80, 443 and 15432.
#
# Ctrl-C (or closing the terminal) stops `gitops up`: HAProxy, the controller and the private
# PostgreSQL. The Docker engine and the demo containers keep running; a dockerd this script started
# runs in a session of its own, and the script says how to stop it.
set -euo pipefail
cd "$(dirname "$0")/.."
project=$(pwd)

repo=""
if [[ "${1:-}" == "--repo" && -n "${2:-}" ]]; then
  repo=$2
fi

say() { echo "quickstart: $*"; }

deploy/setup.sh

# Publishes gitops next to the previous install and swaps it in whole, then puts a `gitops` command
# on PATH that runs it with the .NET runtime it was built with. Sets $gitops to what the user types.
install_gitops() {
  local home bin
  if [[ $(id -u) -eq 0 ]]; then
    home=/opt/gitops bin=/usr/local/bin
  else
    home=$HOME/.local/opt/gitops bin=$HOME/.local/bin
  fi
  say "building gitops and installing it in $home"
  rm -rf "$home.new"
  dotnet publish src/GitOps.Cli -c Release -o "$home.new" -nologo -clp:NoSummary -v:quiet
  rm -rf "$home.old"
  if [[ -d "$home" ]]; then mv "$home" "$home.old"; fi
  mv "$home.new" "$home"
  rm -rf "$home.old"
  mkdir -p "$bin"
  local dotnet; dotnet=$(readlink -f "$(command -v dotnet)")
  cat >"$bin/gitops.new" <<SCRIPT
#!/bin/sh
# Installed by deploy/quickstart.sh: the gitops published in $home.
exec $dotnet $home/gitops.dll "\$@"
SCRIPT
  chmod 755 "$bin/gitops.new"
  mv "$bin/gitops.new" "$bin/gitops"
  if [[ "$(command -v gitops || true)" == "$bin/gitops" ]]; then
    gitops=gitops
  else
    gitops=$bin/gitops
    say "note: $bin is not on your PATH; run gitops as $gitops (or add $bin to PATH)"
  fi
  say "installed: $bin/gitops ($("$bin/gitops" --version))"
}

install_gitops
# As root the private PostgreSQL runs as user postgres, which cannot enter /root: use /var/lib/gitops.
if [[ $(id -u) -eq 0 ]]; then default_data_dir=/var/lib/gitops; else default_data_dir=${XDG_DATA_HOME:-$HOME/.local/share}/gitops; fi
data_dir=${GITOPS_DATA_DIR:-$default_data_dir}
mkdir -p "$data_dir"

docker_answers() { docker version >/dev/null 2>&1; }

started_dockerd=""

start_docker_if_needed() {
  if docker_answers; then return 0; fi
  if [[ -z "${DOCKER_HOST:-}" && $(id -u) -eq 0 ]] && command -v dockerd >/dev/null; then
    say "no Docker engine answers; starting dockerd (log: $data_dir/dockerd.log); it keeps running after Ctrl-C"
    # In a session of its own: the terminal's Ctrl-C and hang-up are for gitops up, not for the engine
    # and the containers on it.
    setsid dockerd >"$data_dir/dockerd.log" 2>&1 </dev/null &
    started_dockerd=$!
    for _ in $(seq 1 30); do docker_answers && return 0; sleep 1; done
  fi
  say "no Docker engine answers: the example runs with its static servers only (see $data_dir/dockerd.log)"
  return 1
}

example_certificate() {
  local pem=/etc/gitops/certs/example.pem
  [[ -f "$pem" ]] && return 0
  say "creating a self-signed certificate for shop.example.com at $pem"
  mkdir -p "$(dirname "$pem")"
  local tmp; tmp=$(mktemp -d)
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj "/CN=shop.example.com" \
    -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
  cat "$tmp/cert.pem" "$tmp/key.pem" >"$pem"
  chmod 600 "$pem"
  rm -rf "$tmp"
}

example_repository() {
  local work="$data_dir/example-repo"
  if [[ ! -d "$work/.git" ]]; then
    mkdir -p "$work"
    cp -r examples/repo-layout/. "$work/"
    git -C "$work" init -q -b main
    git -C "$work" add -A
    git -C "$work" -c user.name=quickstart -c user.email=quickstart@localhost commit -q -m "Example desired state"
  fi
  echo "$work"
}

demo_containers() {
  local image=gitops-example/busybox
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    say "importing a tiny busybox image from Debian's busybox-static (no registry needed)"
    local root; root=$(mktemp -d)
    mkdir -p "$root/bin" "$root/www" "$root/tmp"
    cp /bin/busybox "$root/bin/"
    for applet in sh httpd mkdir hostname cat; do ln -s busybox "$root/bin/$applet"; done
    tar -C "$root" -cf "$root.tar" .
    docker import "$root.tar" "$image" >/dev/null
    rm -rf "$root" "$root.tar"
  fi
  # name, port, labels…: each serves its own name on /, and the health-check paths the example uses.
  run_demo() {
    local name=$1 port=$2; shift 2
    docker rm -f "$name" >/dev/null 2>&1 || true
    local labels=()
    for label in "$@"; do labels+=(--label "$label"); done
    docker run -d --name "$name" --label gitops-example=1 "${labels[@]}" "$image" \
      sh -c "mkdir -p /www/v1 && echo $name >/www/index.html && echo $name >/www/v1/index.html && echo ok >/www/healthz && echo ok >/www/v1/health && exec httpd -f -p $port -h /www" >/dev/null
  }
  say "starting demo containers: 2 × app=web, 1 × app=api, 1 × Compose shop/frontend"
  run_demo gitops-example-web-1 80 app=web
  run_demo gitops-example-web-2 80 app=web
  run_demo gitops-example-api-1 8080 app=api tier=backend
  run_demo gitops-example-shop-1 3000 com.docker.compose.project=shop com.docker.compose.service=frontend
}

# `up` refuses to start when a Docker engine it is pointed at does not answer; without one, say so.
docker_option=()
if [[ -z "$repo" ]]; then
  example_certificate
  repo=$(example_repository)
  say "the example repository is $repo: edit and commit there, gitops picks it up at once"
  if start_docker_if_needed; then demo_containers; else docker_option=(--docker none); fi
else
  start_docker_if_needed || docker_option=(--docker none)
fi

# Once the example answers through HAProxy, says how to reach it; `up` itself runs in the foreground,
# so Ctrl-C and a closed terminal reach it directly (a background job would ignore Ctrl-C).
report_example() {
  for _ in $(seq 1 90); do
    if curl -s -o /dev/null --max-time 2 -H 'Host: www.example.com' http://127.0.0.1/; then break; fi
    sleep 1
  done
  echo
  say "the example services, answering through HAProxy:"
  for target in "www.example.com /" "api.example.com /v1/"; do
    set -- $target
    printf '  curl -H "Host: %s" http://127.0.0.1%s  →  %s\n' "$1" "$2" \
      "$(curl -s --max-time 3 -o /dev/null -w '%{http_code}' -H "Host: $1" "http://127.0.0.1$2" || echo failed)"
  done
  printf '  curl -k --resolve shop.example.com:443:127.0.0.1 https://shop.example.com/  →  %s\n' \
    "$(curl -sk --max-time 3 -o /dev/null -w '%{http_code}' --resolve shop.example.com:443:127.0.0.1 https://shop.example.com/ || echo failed)"
  say "history: $gitops history --data-dir $data_dir   status: $gitops status --data-dir $data_dir"
  say "running until Ctrl-C: it stops gitops up (HAProxy, the controller, the private PostgreSQL); Docker and the demo containers keep running"
}

reporter=""
if [[ "$repo" == "$data_dir/example-repo" ]]; then
  report_example &
  reporter=$!
fi

say "starting: $gitops up --repo $repo --data-dir $data_dir${docker_option[*]:+ ${docker_option[*]}}"
status=0
"$gitops" up --repo "$repo" --data-dir "$data_dir" "${docker_option[@]}" || status=$?
if [[ -n "$reporter" ]]; then kill "$reporter" 2>/dev/null || true; fi

if [[ -n "$started_dockerd" ]]; then
  say "the Docker engine this script started keeps running (pid $started_dockerd); stop it with: kill $started_dockerd"
fi
if [[ "$repo" == "$data_dir/example-repo" ]] && docker_answers; then
  say "the demo containers keep running; remove them with: docker rm -f \$(docker ps -aq --filter label=gitops-example=1)"
fi
say "run it again with: $gitops up --repo $repo --data-dir $data_dir${docker_option[*]:+ ${docker_option[*]}}"
exit "$status"
