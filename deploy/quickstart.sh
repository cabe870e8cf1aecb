#!/usr/bin/env bash
# Installs what gitops needs (deploy/setup.sh), builds it, and runs the main job on the example
# repository. Usage: deploy/quickstart.sh [--repo <path|url>]   (default: examples/repo-layout)
set -euo pipefail
cd "$(dirname "$0")/.."

repo=examples/repo-layout
if [[ "${1:-}" == "--repo" && -n "${2:-}" ]]; then
  repo=$2
fi

deploy/setup.sh
echo "quickstart: building gitops"
dotnet build src/GitOps.Cli -c Release -nologo -clp:NoSummary -v:quiet
gitops=(dotnet src/GitOps.Cli/bin/Release/net10.0/gitops.dll)

if [[ -d "$repo" && ! -e "$repo/.git" && "$repo" == examples/* ]]; then
  # The example ships as plain files inside this repository; give it a Git history of its own.
  work=$(mktemp -d)
  cp -r "$repo/." "$work/"
  git -C "$work" init -q -b main
  git -C "$work" -c user.name=quickstart -c user.email=quickstart@localhost add -A
  git -C "$work" -c user.name=quickstart -c user.email=quickstart@localhost commit -q -m "Example desired state"
  echo "quickstart: the example repository was copied to $work as a Git repository; edit and commit there"
  repo=$work
fi

echo "quickstart: validating $repo"
"${gitops[@]}" validate --repo "$repo"
echo "quickstart: rendering the HAProxy configuration of every host"
"${gitops[@]}" render --repo "$repo"

echo
echo "quickstart: 'gitops up' (controller, agent and HAProxy on this machine) is not built yet; when it is, this script runs:"
echo "  ${gitops[*]} up --repo $repo"
