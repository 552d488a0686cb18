#!/usr/bin/env bash
# Read benchmark (issue "Foundation"): anndata.read_h5ad vs omics on the same generated files,
# uncompressed and gzip, in one run; prints times, the speed ratio and peak memory (RSS) over the
# in-memory size of X. Release build. Usage: bench/read_h5ad.sh [workdir]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${1:-$here/inputs}
mkdir -p "$work"
if [ ! -f "$work/csr_30k_x_20k_gzip.h5ad" ]; then
  echo "generating inputs in $work ..."
  python3 "$here/make_read_input.py" "$work"
fi
(cd "$here" && swift build -c release --product omics-bench >/dev/null)
bin="$here/.build/release/omics-bench"
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
rss() { sed -n 's/.*Maximum resident set size (kbytes): \([0-9]*\).*/\1/p'; }
printf '%-28s %10s %10s %8s %12s %12s\n' file anndata_s omics_s speedup omics_rss/X anndata_rss/X
for f in csr_30k_x_20k.h5ad csr_30k_x_20k_gzip.h5ad; do
  peer_out=$( { /usr/bin/time -v python3 "$here/peer_read_h5ad.py" "$work/$f" 3; } 2>&1 )
  ours_out=$( { /usr/bin/time -v "$bin" read-h5ad "$work/$f" --repeat 3; } 2>&1 )
  ps=$(echo "$peer_out" | field seconds); os=$(echo "$ours_out" | field seconds)
  bytes=$(echo "$ours_out" | field bytes)
  prss=$(echo "$peer_out" | rss); orss=$(echo "$ours_out" | rss)
  python3 - "$f" "$ps" "$os" "$bytes" "$prss" "$orss" <<'PY'
import sys
f, ps, os_, b, prss, orss = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
print(f"{f:<28} {ps:10.3f} {os_:10.3f} {ps/os_:7.2f}x {orss*1024/b:12.2f} {prss*1024/b:12.2f}")
PY
done
