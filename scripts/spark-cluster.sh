#!/usr/bin/env bash
# A real Spark standalone cluster on this machine, from the pinned pyspark package:
#   scripts/spark-cluster.sh start    a master and 2 workers on 127.0.0.1; prints the master URL
#   scripts/spark-cluster.sh status   the master URL and the workers alive, or "stopped" (exit 3)
#   scripts/spark-cluster.sh stop     stops them (safe when nothing runs)
# Point the jobs at it with SPARK_MASTER=<the URL printed> (docs/spark.md). Each worker
# offers SPARK_WORKER_CORES cores (1) and SPARK_WORKER_MEMORY (1g); the processes'
# logs and ids are in $SPARK_CLUSTER_DIR (default .spark-cluster/ in the repo root).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/spark-env.sh

state=${SPARK_CLUSTER_DIR:-$PWD/.spark-cluster}
port=${SPARK_MASTER_PORT:-7077}
web_port=${SPARK_MASTER_WEBUI_PORT:-8080}
url="spark://127.0.0.1:$port"
workers=2

alive() { [ -f "$state/$1.pid" ] && kill -0 "$(cat "$state/$1.pid")" 2>/dev/null; }

launch() {  # name, class, arguments...
    local name=$1
    shift
    if alive "$name"; then
        return
    fi
    # its own session (setsid), so a Ctrl-C in the caller's terminal leaves it to `stop`
    setsid "$SPARK_HOME/bin/spark-class" "$@" >"$state/$name.log" 2>&1 </dev/null &
    echo $! >"$state/$name.pid"
}

registered_workers() {  # the master's own count of workers alive (its JSON status page)
    curl -fsS "http://127.0.0.1:$web_port/json/" 2>/dev/null |
        "$PYSPARK_PYTHON" -c 'import json, sys; print(sum(w["state"] == "ALIVE" for w in json.load(sys.stdin)["workers"]))' 2>/dev/null ||
        echo 0
}

case "${1:-}" in
start)
    if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$SPARK_HOME/bin/spark-class" ]; then
        echo "spark-cluster: Java 17 or pyspark is missing; run scripts/setup.sh --spark" >&2
        exit 1
    fi
    mkdir -p "$state"
    launch master org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$port" --webui-port "$web_port"
    for number in $(seq 1 "$workers"); do
        launch "worker-$number" org.apache.spark.deploy.worker.Worker "$url" --host 127.0.0.1 \
            --cores "${SPARK_WORKER_CORES:-1}" --memory "${SPARK_WORKER_MEMORY:-1g}" \
            --webui-port $((web_port + number)) --work-dir "$state/work-$number"
    done
    for _ in $(seq 1 120); do
        if [ "$(registered_workers)" -ge "$workers" ]; then
            echo "$url"
            exit 0
        fi
        for name in master $(seq -f "worker-%g" 1 "$workers"); do
            if ! alive "$name"; then
                echo "spark-cluster: the $name stopped; see $state/$name.log" >&2
                "$0" stop >&2
                exit 1
            fi
        done
        sleep 1
    done
    echo "spark-cluster: the workers did not register with the master within 120 s; see $state/*.log" >&2
    "$0" stop >&2
    exit 1
    ;;
status)
    if alive master; then
        echo "$url (workers alive: $(registered_workers) of $workers)"
    else
        echo "stopped"
        exit 3
    fi
    ;;
stop)
    for name in $(seq -f "worker-%g" "$workers" -1 1) master; do
        if alive "$name"; then
            pid=$(cat "$state/$name.pid")
            kill -- -"$pid" 2>/dev/null || kill "$pid"
            for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
            kill -9 -- -"$pid" 2>/dev/null || true
        fi
        rm -f "$state/$name.pid"
    done
    echo "spark-cluster: stopped"
    ;;
*)
    echo "usage: scripts/spark-cluster.sh start|status|stop" >&2
    exit 2
    ;;
esac
