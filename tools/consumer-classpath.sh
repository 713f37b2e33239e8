#!/usr/bin/env bash
# What an application gets on its runtime class path by depending on shardline-driver alone.
# Installs this build into the local Maven repository, then resolves a throw-away consumer project
# and lists its runtime jars (with sizes). Usage: tools/consumer-classpath.sh [--no-install]
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=$(sed -n "s:^  <version>\(.*\)</version>:\1:p" pom.xml | head -1)
[ "${1:-}" = "--no-install" ] || mvn -q -B install -DskipTests
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>example</groupId><artifactId>consumer</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>io.shardline</groupId><artifactId>shardline-driver</artifactId><version>$VERSION</version></dependency>
  </dependencies>
</project>
POM
mvn -q -B -f "$tmp/pom.xml" org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=runtime -Dmdep.outputFile="$tmp/cp.txt" >/dev/null
total=0; n=0
for j in $(tr ':' ' ' < "$tmp/cp.txt"); do
  size=$(stat -c %s "$j"); total=$((total + size)); n=$((n + 1))
  printf '%8d KiB  %s\n' $((size / 1024)) "$(basename "$j")"
done
printf '%d jars, %d KiB in all (the driver included)\n' "$n" $((total / 1024))
