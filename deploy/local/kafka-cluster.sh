#!/usr/bin/env bash
# A local Kafka cluster: three KRaft nodes, each broker and controller in one JVM, run by
# deploy/local/kafka.sh from the same Maven Central jars. Node n listens on KAFKA_PORT + 2(n-1)
# (9092, 9094, 9096), its controller one port above (9093, 9095, 9097), its data in
# KAFKA_CLUSTER_DIR/node-<n>. The controllers form one quorum, so the cluster keeps going with
# one node lost; Kafka's own topics have three replicas and need two for a write.
#
#   deploy/local/kafka-cluster.sh start           format storage if new, launch every node, wait for all brokers
#   deploy/local/kafka-cluster.sh stop            stop every node (all at once: a lone node waits for a quorum)
#   deploy/local/kafka-cluster.sh status          say which nodes run
#   deploy/local/kafka-cluster.sh kill <n>        SIGKILL node n, as when its machine dies
#   deploy/local/kafka-cluster.sh start-node <n>  start node n again (after kill), without waiting
#   deploy/local/kafka-cluster.sh brokers         print the bootstrap list (127.0.0.1:9092,…)
#
# Settings (environment): KAFKA_PORT (9092), KAFKA_CLUSTER_NODES (3), KAFKA_CLUSTER_DIR
# (.local/kafka-cluster-<port>), KAFKA_HEAP (512m, per node), KAFKA_LIBS_DIR (.local/kafka-libs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
nodes="${KAFKA_CLUSTER_NODES:-3}"
cluster_dir="${KAFKA_CLUSTER_DIR:-$root/.local/kafka-cluster-$port}"
libs_dir="${KAFKA_LIBS_DIR:-$root/.local/kafka-libs}"

log() { printf '\033[36m[kafka cluster]\033[0m %s\n' "$*"; }

node_port() { echo $((port + 2 * ($1 - 1))); }

voters() {
  local list=() n
  for n in $(seq 1 "$nodes"); do list+=("$n@127.0.0.1:$(($(node_port "$n") + 1))"); done
  (IFS=,; echo "${list[*]}")
}

brokers() {
  local list=() n
  for n in $(seq 1 "$nodes"); do list+=("127.0.0.1:$(node_port "$n")"); done
  (IFS=,; echo "${list[*]}")
}

# Runs kafka.sh for node n with that node's ports, data and place in the quorum.
run_node() {
  local n="$1" action="$2" id=""
  local p; p="$(node_port "$n")"
  if [ "$action" = start ]; then id="$(cluster_id)"; fi
  KAFKA_NODE_ID="$n" KAFKA_PORT="$p" KAFKA_CONTROLLER_PORT="$((p + 1))" KAFKA_DATA_DIR="$cluster_dir/node-$n" \
    KAFKA_QUORUM_VOTERS="$(voters)" KAFKA_CLUSTER_ID="$id" KAFKA_REPLICAS="$nodes" KAFKA_WAIT=0 \
    bash "$here/kafka.sh" "$action"
}

# Every node is formatted with the same cluster id, kept beside their data.
cluster_id() {
  if [ ! -f "$cluster_dir/cluster.id" ]; then
    mkdir -p "$cluster_dir"
    java -cp "$libs_dir/*" kafka.tools.StorageTool random-uuid 2>/dev/null > "$cluster_dir/cluster.id"
  fi
  cat "$cluster_dir/cluster.id"
}

check_nodes() {
  if [ "$nodes" -lt 3 ]; then
    echo "KAFKA_CLUSTER_NODES=$nodes: a cluster needs 3 nodes or more (a quorum that survives the loss of one)" >&2
    exit 2
  fi
}

start() {
  check_nodes
  bash "$here/kafka.sh" fetch
  cluster_id >/dev/null
  local n
  for n in $(seq 1 "$nodes"); do run_node "$n" start; done
  # Each node answers only once a majority of controllers has elected a leader and it has
  # registered: wait until one of them lists them all.
  if ! node "$here/wait-for-kafka.mjs" "$(brokers)" 180 "$nodes"; then
    log "the cluster did not form; last lines of each node's log:"
    for n in $(seq 1 "$nodes"); do
      echo "--- node $n"; tail -n 15 "$cluster_dir/node-$n/logs/server.log" 2>/dev/null || true
    done
    stop
    exit 1
  fi
  log "ready: $(brokers) (data in $cluster_dir)"
}

stop() {
  local n
  for n in $(seq 1 "$nodes"); do run_node "$n" stop & done
  wait
}

status() {
  local n down=0
  for n in $(seq 1 "$nodes"); do run_node "$n" status || down=1; done
  return "$down"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  kill) run_node "${2:?which node}" kill ;;
  start-node) run_node "${2:?which node}" start ;;
  brokers) brokers ;;
  *) echo "usage: $0 start|stop|status|kill <node>|start-node <node>|brokers" >&2; exit 2 ;;
esac
