#!/usr/bin/env bash
# Stops what a `make up` left running when it died without stopping it (killed with SIGKILL, its
# terminal closed): the processes it recorded in .local/run/pids, services and the balancer first,
# then the brokers. A pid is signalled only while it still runs a command of this repository
# (the number may have been given to another process since).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
pid_dir="$root/.local/run/pids"

ours() {
  local pid="$1"
  [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -qF "$root"
}

# SIGTERM to every process of a group, then up to 30 s for them to finish, then SIGKILL.
stop_group() {
  local files=("$@") pids=() file pid
  for file in "${files[@]}"; do
    [ -f "$file" ] || continue
    pid="$(cat "$file")"
    if ours "$pid"; then
      echo "stopping $(basename "$file" .pid) (pid $pid)"
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$file"
  done
  [ ${#pids[@]} -gt 0 ] || return 0
  for _ in $(seq 1 60); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" = 0 ] && return 0
    sleep 0.5
  done
  for pid in "${pids[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
}

[ -d "$pid_dir" ] || exit 0
shopt -s nullglob
stop_group "$pid_dir"/service-*.pid "$pid_dir"/balancer.pid
# Every broker at once: the last node of a cluster stopped alone waits for a quorum that is gone.
stop_group "$pid_dir"/kafka-*.pid
rmdir "$pid_dir" 2>/dev/null || true
