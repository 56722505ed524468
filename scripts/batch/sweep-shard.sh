#!/bin/sh
# One shard of a seed sweep, as a batch engine's array task runs it (see the README,
# "Sweeping on a batch engine"). The shard's index comes from the engine:
# JOB_COMPLETION_INDEX (a Kubernetes Indexed Job), SLURM_ARRAY_TASK_ID (a Slurm job array),
# or SHARD_INDEX. Settings come from the environment:
#   SHARD_COUNT  how many shards (the job's completions / the array's size)   required
#   PROTOCOL     the protocol to sweep                                         required
#   SEEDS        how many seeds in all, over every shard                       required
#   START        the first seed (0)          BUG   a teaching bug to hunt (none)
#   OUT_DIR      where shard-I.json goes (results)
#   CLUSTERLAB   the clusterlab binary (clusterlab on the PATH)
# Exits 0 when the shard's report is written, failing seeds or not (the report carries them
# and the merge decides); 2 on bad settings.
set -eu
index=${SHARD_INDEX:-${JOB_COMPLETION_INDEX:-${SLURM_ARRAY_TASK_ID:-}}}
if [ -z "$index" ]; then
  echo "sweep-shard: no shard index (set JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID or SHARD_INDEX)" >&2
  exit 2
fi
: "${SHARD_COUNT:?sweep-shard: set SHARD_COUNT}" "${PROTOCOL:?sweep-shard: set PROTOCOL}" "${SEEDS:?sweep-shard: set SEEDS}"
out=${OUT_DIR:-results}
mkdir -p "$out"
code=0
"${CLUSTERLAB:-clusterlab}" sweep --protocol "$PROTOCOL" --seeds "$SEEDS" --start "${START:-0}" \
  ${BUG:+--bug "$BUG"} --shard "$index/$SHARD_COUNT" --json --progress-json \
  > "$out/shard-$index.json.part" || code=$?
if [ "$code" -gt 1 ]; then
  exit "$code"
fi
# Renamed only when complete, so the merge never reads half a report.
mv "$out/shard-$index.json.part" "$out/shard-$index.json"
