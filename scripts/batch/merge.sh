#!/bin/sh
# Merge a sweep's shard reports (OUT_DIR/shard-*.json) into the report one run over every
# seed gives; exit 1 when it has failing seeds (or, hunting a bug, none), as a sweep does.
# Extra arguments go to clusterlab merge (--json for the report as JSON).
set -eu
out=${OUT_DIR:-results}
exec "${CLUSTERLAB:-clusterlab}" merge "$out"/shard-*.json "$@"
