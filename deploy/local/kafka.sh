#!/usr/bin/env bash
# The local Kafka broker: one node in KRaft mode (broker and controller in one JVM),
# run from the Apache Kafka jars on Maven Central.
#
#   deploy/local/kafka.sh fetch    copy the jars into the cache (once; Maven shows progress)
#   deploy/local/kafka.sh start    format storage if new, start in the background, wait for metadata
#   deploy/local/kafka.sh stop     stop the broker this script started
#   deploy/local/kafka.sh status   say whether it runs
#   deploy/local/kafka.sh kill     SIGKILL it: no controlled shutdown, as when its machine dies
#
# Settings (environment): KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093),
# KAFKA_DATA_DIR (.local/kafka-<port>), KAFKA_LIBS_DIR (.local/kafka-libs), KAFKA_HEAP (512m).
#
# deploy/local/kafka-cluster.sh runs three of these nodes as one cluster, through the same script
# with: KAFKA_NODE_ID (1), KAFKA_QUORUM_VOTERS (this node alone), KAFKA_CLUSTER_ID (new at format),
# KAFKA_REPLICAS (1: replicas of Kafka's own topics, and what makes it a cluster node), KAFKA_WAIT
# (1; 0 returns once the JVM is launched: a node of a cluster cannot answer before a majority of
# the controllers is up).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-$((port + 1))}"
data_dir="${KAFKA_DATA_DIR:-$root/.local/kafka-$port}"
libs_dir="${KAFKA_LIBS_DIR:-$root/.local/kafka-libs}"
heap="${KAFKA_HEAP:-512m}"
pid_file="$data_dir/kafka.pid"
node_id="${KAFKA_NODE_ID:-1}"
quorum_voters="${KAFKA_QUORUM_VOTERS:-$node_id@127.0.0.1:$controller_port}"
replicas="${KAFKA_REPLICAS:-1}"
min_insync=1
if [ "$replicas" -gt 1 ]; then min_insync=2; fi
wait_until_ready="${KAFKA_WAIT:-1}"

log() { printf '\033[36m[kafka]\033[0m %s\n' "$*"; }

fetch() {
  if [ -f "$libs_dir/.complete" ]; then return; fi
  command -v mvn >/dev/null || { echo "Maven (mvn) is needed to fetch the Kafka jars" >&2; exit 1; }
  command -v java >/dev/null || { echo "Java 17 is needed to run Kafka" >&2; exit 1; }
  log "fetching the Kafka jars from Maven Central into $libs_dir"
  mkdir -p "$libs_dir"
  mvn -B -ntp -f "$here/kafka/pom.xml" dependency:copy-dependencies \
    -DoutputDirectory="$libs_dir" -DincludeScope=runtime \
    | grep -E 'Copying|BUILD|ERROR' | sed 's/^/  /' || true
  [ -f "$libs_dir/kafka_2.13-"*.jar ] 2>/dev/null || ls "$libs_dir"/kafka_2.13-*.jar >/dev/null
  touch "$libs_dir/.complete"
}

running() {
  [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null
}

write_config() {
  mkdir -p "$data_dir/logs"
  cat > "$data_dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$node_id
controller.quorum.voters=$quorum_voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data_dir/data
auto.create.topics.enable=false
num.partitions=3
offsets.topic.replication.factor=$replicas
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_insync
group.initial.rebalance.delay.ms=0
log.retention.hours=168
PROPS
  if [ "$replicas" -gt 1 ]; then
    # A cluster node: a write acknowledged by all needs two copies (one broker may be lost without
    # refusing writes), and a broker that stops heartbeating is fenced after 6 s (Kafka's default
    # 9 s), which is how long the partitions it led wait for a new leader.
    cat >> "$data_dir/server.properties" <<PROPS
default.replication.factor=$replicas
min.insync.replicas=$min_insync
broker.heartbeat.interval.ms=1000
broker.session.timeout.ms=6000
PROPS
  fi
  cat > "$data_dir/log4j.properties" <<PROPS
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$data_dir/logs/server.log
log4j.appender.file.MaxFileSize=20MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=INFO
PROPS
}

start() {
  if running; then log "already running on 127.0.0.1:$port (pid $(cat "$pid_file"))"; return; fi
  fetch
  write_config
  local cp="$libs_dir/*"
  # The JVM options Kafka's own launcher (kafka-run-class.sh) uses: G1 aiming at 20 ms pauses
  # (its default aim is 200 ms, which shows up in every client's tail latency).
  local jvm=(-server -Xms"$heap" -Xmx"$heap" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35
             -XX:+ExplicitGCInvokesConcurrent -XX:MaxInlineLevel=15 -Djava.awt.headless=true
             -Dlog4j.configuration="file:$data_dir/log4j.properties")
  if [ ! -f "$data_dir/data/meta.properties" ]; then
    local cluster_id="${KAFKA_CLUSTER_ID:-}"
    [ -n "$cluster_id" ] || cluster_id="$(java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool random-uuid)"
    log "formatting storage in $data_dir/data (cluster $cluster_id)"
    java -cp "$cp" "${jvm[@]}" kafka.tools.StorageTool format -t "$cluster_id" \
      -c "$data_dir/server.properties" --ignore-formatted >/dev/null
  fi
  log "starting on 127.0.0.1:$port"
  nohup java -cp "$cp" "${jvm[@]}" kafka.Kafka "$data_dir/server.properties" \
    > "$data_dir/logs/stdout.log" 2>&1 &
  echo $! > "$pid_file"
  if [ "$wait_until_ready" = 0 ]; then log "launched node $node_id (pid $(cat "$pid_file"), logs in $data_dir/logs)"; return; fi
  if ! node "$here/wait-for-kafka.mjs" "127.0.0.1:$port" 90; then
    log "the broker did not answer; last lines of $data_dir/logs/server.log:"
    tail -n 30 "$data_dir/logs/server.log" 2>/dev/null || tail -n 30 "$data_dir/logs/stdout.log"
    stop
    exit 1
  fi
  log "ready on 127.0.0.1:$port (pid $(cat "$pid_file"), logs in $data_dir/logs)"
}

stop() {
  if ! running; then rm -f "$pid_file"; log "not running"; return; fi
  local pid; pid="$(cat "$pid_file")"
  log "stopping (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$pid_file"
}

kill_now() {
  if ! running; then rm -f "$pid_file"; log "not running"; return; fi
  local pid; pid="$(cat "$pid_file")"
  log "killing node $node_id on 127.0.0.1:$port (pid $pid) with SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$pid_file"
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  kill) kill_now ;;
  status) if running; then log "running on 127.0.0.1:$port (pid $(cat "$pid_file"))"; else log "not running"; exit 1; fi ;;
  *) echo "usage: $0 fetch|start|stop|status|kill" >&2; exit 2 ;;
esac
