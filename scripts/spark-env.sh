# Sourced by the Spark scripts (scripts/spark-cluster.sh, run.sh and test.sh with Spark):
# the environment a Spark driver, master or worker of this project needs. Set any of
# these variables beforehand to override it.
#   JAVA_HOME        Debian's Java 17 (installed by scripts/setup.sh --spark)
#   SPARK_HOME       the pinned pyspark package in .venv (its jars and bin/spark-class)
#   PYSPARK_PYTHON   .venv's Python, on the driver and in every executor
#   SPARK_LOCAL_IP   127.0.0.1: nothing listens beyond this machine unless asked to
#   BALANCE_SYNC_LAKE  the lake folder (default lake/ in the repo root)
#   SPARK_MASTER     where jobs run (default local[2]; scripts/spark-cluster.sh start
#                    prints a standalone master's URL to put here)
_spark_repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [ -z "${JAVA_HOME:-}" ]; then
    for _java in /usr/lib/jvm/java-17-openjdk-*; do
        [ -x "$_java/bin/java" ] && JAVA_HOME=$_java && break
    done
fi
export JAVA_HOME
export SPARK_HOME=${SPARK_HOME:-$("$_spark_repo/.venv/bin/python" -c 'import os, pyspark; print(os.path.dirname(pyspark.__file__))')}
export PYSPARK_PYTHON=${PYSPARK_PYTHON:-$_spark_repo/.venv/bin/python}
export PYSPARK_DRIVER_PYTHON=${PYSPARK_DRIVER_PYTHON:-$PYSPARK_PYTHON}
export SPARK_LOCAL_IP=${SPARK_LOCAL_IP:-127.0.0.1}
export BALANCE_SYNC_LAKE=${BALANCE_SYNC_LAKE:-$_spark_repo/lake}
export SPARK_MASTER=${SPARK_MASTER:-local[2]}
unset _spark_repo _java
