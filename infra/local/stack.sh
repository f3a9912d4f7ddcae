#!/usr/bin/env bash
# The local stack: Apache Kafka (single-node KRaft), Apicurio Registry (KafkaSQL storage), the
# project's PostgreSQL databases, the Ongoing WMS simulator.
#
#   infra/local/stack.sh up [kafka registry postgres simulator]   start (all parts when none is named); idempotent
#   infra/local/stack.sh down                                      stop exactly what `up` started
#   infra/local/stack.sh status                                    what runs, where its log is
#   infra/local/stack.sh fetch                                     only download into the cache
#
# Services run in their own sessions (setsid), so a Ctrl-C meant for `npm start` does not stop
# them out of order; `down` stops them. Downloads come from Maven Central through `mvn` into infra/.cache (git ignores it); runtime files
# (pids, data, logs) live in infra/.run. Ports: STACK_KAFKA_PORT (9092), STACK_CONTROLLER_PORT
# (9093), STACK_REGISTRY_PORT (8081), ONGOING_SIM_PORT (8090).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache="$here/.cache"
run="$here/.run"
logs="$run/logs"

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/kafka/pom.xml")
APICURIO_VERSION=${APICURIO_VERSION:-3.3.3}
KAFKA_PORT=${STACK_KAFKA_PORT:-9092}
CONTROLLER_PORT=${STACK_CONTROLLER_PORT:-9093}
REGISTRY_PORT=${STACK_REGISTRY_PORT:-8081}
SIM_PORT=${ONGOING_SIM_PORT:-8090}
PG_URL=${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DATABASES=(multicase ongoing_sim)

kafka_home="$cache/kafka-$KAFKA_VERSION"
apicurio_home="$cache/apicurio-registry-$APICURIO_VERSION"

say() { printf '[stack] %s\n' "$*"; }
die() { printf '[stack] ERROR: %s\n' "$*" >&2; exit 1; }

require_tools() {
  command -v java >/dev/null || die "Java 17 or newer is required and 'java' is not on PATH. Install it (Debian: apt-get install openjdk-17-jre-headless) or set PATH."
  local v
  v=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p' | head -1)
  [ "${v%%.*}" -ge 17 ] 2>/dev/null || die "Java 17 or newer is required; 'java' is version ${v:-unknown}. Point JAVA_HOME/PATH at a newer JDK."
  command -v mvn >/dev/null || die "Maven is required to fetch Kafka and Apicurio from Maven Central and 'mvn' is not on PATH. Install it (Debian: apt-get install maven)."
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && exec 3>&- 3<&-; }

pid_alive() { [ -f "$run/$1.pid" ] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null; }

ensure_port_free() { # name port
  if port_open "$2"; then
    die "port $2 is already in use, so $1 cannot start. Stop whatever listens there (ss -ltnp 'sport = :$2') or choose another port with the matching STACK_*_PORT variable."
  fi
}

wait_until() { # description seconds logfile command...   (gives up early when the process died)
  local what=$1 secs=$2 log=$3; shift 3
  local t0=$SECONDS
  until "$@"; do
    if [ -f "$run/$what.pid" ] && ! kill -0 "$(cat "$run/$what.pid")" 2>/dev/null; then
      tail -n 30 "$log" >&2 2>/dev/null || true
      rm -f "$run/$what.pid"
      die "$what exited during start-up; see $log"
    fi
    if (( SECONDS - t0 >= secs )); then
      tail -n 30 "$log" >&2 2>/dev/null || true
      die "$what did not become healthy within ${secs}s; see $log"
    fi
    sleep 0.5
  done
}

fetch_kafka() {
  [ -f "$kafka_home/.complete" ] && return
  say "fetching Apache Kafka $KAFKA_VERSION from Maven Central (once; cached in $kafka_home)"
  mkdir -p "$kafka_home"
  if ! mvn -q -B -f "$here/kafka/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$kafka_home/libs" >"$cache/mvn-kafka.log" 2>&1; then
    tail -n 20 "$cache/mvn-kafka.log" >&2
    die "downloading Kafka $KAFKA_VERSION failed (full output: $cache/mvn-kafka.log). Check that Maven Central is reachable."
  fi
  touch "$kafka_home/.complete"
}

fetch_apicurio() {
  [ -f "$apicurio_home/.complete" ] && return
  say "fetching Apicurio Registry $APICURIO_VERSION from Maven Central (once; cached in $apicurio_home)"
  mkdir -p "$apicurio_home"
  if ! mvn -q -B dependency:copy -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" \
      -DoutputDirectory="$cache" >"$cache/mvn-apicurio.log" 2>&1; then
    tail -n 20 "$cache/mvn-apicurio.log" >&2
    die "downloading Apicurio Registry $APICURIO_VERSION failed (full output: $cache/mvn-apicurio.log). Check that Maven Central is reachable."
  fi
  tar -xzf "$cache/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$apicurio_home"
  rm -f "$cache/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz"
  touch "$apicurio_home/.complete"
}

kafka_healthy() { port_open "$KAFKA_PORT" && grep -q 'Kafka Server started\|KafkaRaftServer.*started\|\[KafkaRaftServer nodeId=1\] Kafka Server started' "$logs/kafka.log" 2>/dev/null; }

start_kafka() {
  if pid_alive kafka; then say "kafka already running (pid $(cat "$run/kafka.pid"))"; return; fi
  fetch_kafka
  ensure_port_free kafka "$KAFKA_PORT"
  ensure_port_free "the kafka controller" "$CONTROLLER_PORT"
  local data="$run/kafka-data" conf="$run/kafka.properties"
  sed -e "s/127.0.0.1:9092/127.0.0.1:$KAFKA_PORT/g" -e "s/127.0.0.1:9093/127.0.0.1:$CONTROLLER_PORT/g" \
    "$here/kafka/server.properties" >"$conf"
  echo "log.dirs=$data" >>"$conf"
  local cp="$kafka_home/libs/*"
  local jopts=(-Xms256m -Xmx768m -XX:+UseG1GC -Dkafka.logs.dir="$logs" -Dlog4j2.configurationFile="$here/kafka/log4j2.properties")
  if [ ! -f "$data/meta.properties" ]; then
    say "formatting kafka storage in $data"
    java "${jopts[@]}" -cp "$cp" kafka.tools.StorageTool format --cluster-id="$(cat "$run/cluster-id" 2>/dev/null || uuid_for_cluster)" -c "$conf" >"$logs/kafka-format.log" 2>&1 \
      || { cat "$logs/kafka-format.log" >&2; die "formatting kafka storage failed; see $logs/kafka-format.log"; }
  fi
  : >"$logs/kafka.log"
  say "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (log: $logs/kafka.log)"
  setsid nohup java "${jopts[@]}" -cp "$cp" kafka.Kafka "$conf" >"$logs/kafka.out" 2>&1 &
  echo $! >"$run/kafka.pid"
  wait_until kafka 90 "$logs/kafka.out" kafka_healthy
  say "kafka healthy"
}

uuid_for_cluster() { # a KRaft cluster id: 16 random bytes, url-safe base64 without padding
  local id=-
  # One in 64 would start with '-', which the storage tool's argument parser takes for an option.
  while [[ $id == -* ]]; do id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'); done
  echo "$id" >"$run/cluster-id"
  echo "$id"
}

registry_healthy() { curl -fsS -o /dev/null "http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7/subjects" 2>/dev/null; }

# Apicurio Registry 3.3 is compiled for Java 21. Use the default java when it is new enough,
# else the newest JDK under /usr/lib/jvm (or REGISTRY_JAVA_HOME).
registry_java() {
  local cand
  for cand in ${REGISTRY_JAVA_HOME:+"$REGISTRY_JAVA_HOME/bin/java"} java $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do
    command -v "$cand" >/dev/null 2>&1 || continue
    local v
    v=$("$cand" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p' | head -1)
    if [ "${v%%.*}" -ge 21 ] 2>/dev/null; then echo "$cand"; return; fi
  done
  die "Apicurio Registry $APICURIO_VERSION needs Java 21 or newer and none was found (java on PATH, /usr/lib/jvm/*). Install one (Debian: apt-get install openjdk-21-jre-headless where available) or set REGISTRY_JAVA_HOME."
}

start_registry() {
  if pid_alive registry; then say "registry already running (pid $(cat "$run/registry.pid"))"; return; fi
  fetch_apicurio
  ensure_port_free "the registry" "$REGISTRY_PORT"
  pid_alive kafka || port_open "$KAFKA_PORT" || die "the registry keeps its schemas in Kafka (KafkaSQL); start kafka first (infra/local/stack.sh up kafka registry)"
  local java_bin
  java_bin=$(registry_java)
  say "starting Apicurio Registry $APICURIO_VERSION on 127.0.0.1:$REGISTRY_PORT with $java_bin (log: $logs/registry.log)"
  (
    cd "$apicurio_home"
    QUARKUS_HTTP_HOST=127.0.0.1 QUARKUS_HTTP_PORT="$REGISTRY_PORT" \
    APICURIO_STORAGE_KIND=kafkasql APICURIO_KAFKASQL_BOOTSTRAP_SERVERS="127.0.0.1:$KAFKA_PORT" \
    APICURIO_KAFKASQL_TOPIC=kafkasql-journal \
    QUARKUS_LOG_CONSOLE_JSON=false \
    setsid nohup "$java_bin" -Xms128m -Xmx512m -jar quarkus-run.jar >"$logs/registry.log" 2>&1 &
    echo $! >"$run/registry.pid"
  )
  wait_until registry 120 "$logs/registry.log" registry_healthy
  say "registry healthy: http://127.0.0.1:$REGISTRY_PORT/apis/ccompat/v7"
}

pg_ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }

start_postgres() {
  if ! pg_ready; then
    say "PostgreSQL is not answering on 127.0.0.1:5432; starting the machine's cluster"
    command -v pg_ctlcluster >/dev/null || die "PostgreSQL is not running on 127.0.0.1:5432 and pg_ctlcluster is missing; start PostgreSQL yourself."
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start \
      || die "could not start PostgreSQL: run 'pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start' and read its error"
    wait_until postgres 30 /dev/null pg_ready
  fi
  for db in "${DATABASES[@]}"; do
    if [ -z "$(psql "$PG_URL" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
      psql "$PG_URL" -qc "CREATE DATABASE \"$db\"" && say "created database $db"
    fi
  done
  if [ -f "$root/dist/infra/local/multicase-db/main.js" ]; then
    node "$root/dist/infra/local/multicase-db/main.js" migrate >>"$logs/multicase-db.log" 2>&1 \
      || die "migrating the Multicase database failed; see $logs/multicase-db.log"
  fi
  say "postgres ready (databases: ${DATABASES[*]})"
}

sim_healthy() { curl -fsS -o /dev/null "http://127.0.0.1:$SIM_PORT/demo/sim/health" 2>/dev/null; }

start_simulator() {
  if pid_alive simulator; then say "simulator already running (pid $(cat "$run/simulator.pid"))"; return; fi
  [ -f "$root/dist/infra/local/ongoing-simulator/main.js" ] || die "the simulator is not built; run 'npm run build' first"
  ensure_port_free "the Ongoing simulator" "$SIM_PORT"
  say "starting the Ongoing WMS simulator on 127.0.0.1:$SIM_PORT (log: $logs/simulator.log)"
  ONGOING_SIM_PORT=$SIM_PORT setsid nohup node "$root/dist/infra/local/ongoing-simulator/main.js" >"$logs/simulator.log" 2>&1 &
  echo $! >"$run/simulator.pid"
  wait_until simulator 30 "$logs/simulator.log" sim_healthy
  say "simulator healthy: http://127.0.0.1:$SIM_PORT/demo/api/v1"
}

stop_one() { # name seconds
  local name=$1 secs=$2 pid
  [ -f "$run/$name.pid" ] || return 0
  pid=$(cat "$run/$name.pid")
  if kill -0 "$pid" 2>/dev/null; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local t0=$SECONDS
    while kill -0 "$pid" 2>/dev/null; do
      if (( SECONDS - t0 >= secs )); then say "$name did not stop in ${secs}s; killing it"; kill -KILL "$pid" 2>/dev/null || true; break; fi
      sleep 0.3
    done
  fi
  rm -f "$run/$name.pid"
}

status() {
  for name in kafka registry simulator; do
    if pid_alive "$name"; then say "$name: running (pid $(cat "$run/$name.pid"))"; else say "$name: stopped"; fi
  done
  pg_ready && say "postgres: ready" || say "postgres: not answering"
  say "logs: $logs"
}

cmd=${1:-}
[ $# -gt 0 ] && shift
mkdir -p "$cache" "$logs"
case "$cmd" in
  up)
    parts=("$@"); [ ${#parts[@]} -eq 0 ] && parts=(postgres kafka registry simulator)
    require_tools
    t0=$SECONDS
    for p in "${parts[@]}"; do
      case "$p" in
        kafka) start_kafka ;; registry) start_registry ;; postgres) start_postgres ;; simulator) start_simulator ;;
        *) die "unknown part '$p'; parts are: kafka registry postgres simulator" ;;
      esac
    done
    say "up in $((SECONDS - t0))s; logs in $logs"
    ;;
  down)
    stop_one simulator 10
    stop_one registry 30
    stop_one kafka 60
    say "down"
    ;;
  status) status ;;
  fetch) require_tools; fetch_kafka; fetch_apicurio ;;
  reset)
    "$0" down
    rm -rf "$run/kafka-data" "$run/cluster-id"
    say "kafka data removed; the next 'up' starts an empty cluster"
    ;;
  *) echo "usage: infra/local/stack.sh up [kafka registry postgres simulator] | down | status | fetch | reset" >&2; exit 2 ;;
esac
