#!/usr/bin/env bash
# Fuzz the text parsers with libFuzzer + AddressSanitizer for N seconds (default 180).
#
#   scripts/fuzz.sh [seconds]
#
# 1. Snapshots Package.swift and Sources/ into .build-fuzz/pkg (so concurrent edits in the work tree
#    cannot break the build half-way) and builds the OmicsIO target there in release mode with
#    `-sanitize=fuzzer,address` (coverage instrumentation + ASan), using a separate scratch path.
# 2. Compiles Fuzz/ParserFuzzer.swift with `swiftc -sanitize=fuzzer,address -parse-as-library` and links
#    it with the instrumented object files; optional targets (Matrix Market, GEO, delimited tables) are
#    switched on with -D flags when their readers exist in the tree.
# 3. Builds a seed corpus from Fixtures/ (one selector byte + file content per seed) and runs the
#    fuzzer. Crashes go to .build-fuzz/artifacts/; new interesting inputs to .build-fuzz/corpus/.
# Needs: the Swift 6.3 toolchain (its libFuzzer runtime), pkg-config, libhdf5-dev, zlib1g-dev, gzip.
set -euo pipefail

# `scripts/fuzz.sh --h5ad [seconds]` fuzzes the h5ad reader instead: Fuzz/H5ADFuzzer.swift on
# corrupted copies of Fixtures/h5ad (whole files as inputs).
MODE=text
if [ "${1:-}" = "--h5ad" ]; then MODE=h5ad; shift; fi
DURATION="${1:-180}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$ROOT/.build-fuzz"
PKG="$WORK/pkg"
SCRATCH="$WORK/spm"
BIN="$WORK/parser-fuzzer"

mkdir -p "$PKG" "$WORK/artifacts" "$WORK/corpus"
rm -rf "$WORK/seeds" && mkdir -p "$WORK/seeds"

echo "== snapshot sources into $PKG"
rm -rf "$PKG/Sources"
cp -a "$ROOT/Sources" "$PKG/Sources"
cp -a "$ROOT/Package.swift" "$PKG/"
[ -f "$ROOT/Package.resolved" ] && cp -a "$ROOT/Package.resolved" "$PKG/"
# Test targets need their folders to exist; their sources are not needed for the OmicsIO build.
rm -rf "$PKG/Tests"
for dir in "$ROOT"/Tests/*/; do mkdir -p "$PKG/Tests/$(basename "$dir")"; done
# Reuse already-fetched dependency checkouts when the scratch path is new (works offline).
if [ ! -d "$SCRATCH/checkouts" ] && [ -d "$ROOT/.build/checkouts" ]; then
  mkdir -p "$SCRATCH"
  cp -a "$ROOT/.build/checkouts" "$ROOT/.build/repositories" "$SCRATCH/" 2>/dev/null || true
  [ -f "$ROOT/.build/workspace-state.json" ] && cp -a "$ROOT/.build/workspace-state.json" "$SCRATCH/"
fi

echo "== build OmicsIO (release, -sanitize=fuzzer,address)"
set +e
swift build -c release --package-path "$PKG" --scratch-path "$SCRATCH" --target OmicsIO \
  -Xswiftc -sanitize=fuzzer,address 2>&1 | grep -vE "^\[|should be located under"
build_status=${PIPESTATUS[0]}
set -e
[ "$build_status" -eq 0 ] || { echo "build failed (swift build exit $build_status)" >&2; exit 1; }
OUT="$SCRATCH/release"

DEFINES=()
grep -rqs "enum MatrixMarketReader" "$PKG/Sources/OmicsIO" && DEFINES+=(-D FUZZ_MATRIX_MARKET)
grep -rqs "enum GEOSeriesMatrixReader" "$PKG/Sources/OmicsIO" && grep -rqs "enum SOFTReader" "$PKG/Sources/OmicsIO" \
  && DEFINES+=(-D FUZZ_GEO)
grep -rqs "enum DelimitedMatrixReader" "$PKG/Sources/OmicsIO" && DEFINES+=(-D FUZZ_DELIMITED)
echo "== optional targets: ${DEFINES[*]:-none}"

if [ "$MODE" = h5ad ]; then
  echo "== link the h5ad harness"
  mapfile -t OBJECTS < <(find "$OUT/" -path '*.build/*.o' -not -path '*/ParserFuzzer*' -not -path '*/H5ADFuzzer*')
  # shellcheck disable=SC2046
  swiftc -sanitize=fuzzer,address -parse-as-library -O \
    "$ROOT/Fuzz/H5ADFuzzer.swift" "${OBJECTS[@]}" -I "$OUT/Modules" \
    -Xcc -fmodule-map-file="$PKG/Sources/CZlib/module.modulemap" \
    -Xcc -fmodule-map-file="$PKG/Sources/CHDF5/module.modulemap" \
    $(pkg-config --cflags-only-I hdf5 zlib | sed 's/-I/-Xcc -I/g') \
    $(pkg-config --libs hdf5 zlib) -lhdf5_hl -o "$WORK/h5ad-fuzzer" 2>&1 | grep -v "Cannot export local symbol" || true
  [ -x "$WORK/h5ad-fuzzer" ] || { echo "link failed" >&2; exit 1; }
  mkdir -p "$WORK/h5ad-corpus" "$WORK/h5ad-seeds"
  for f in "$ROOT"/Fixtures/h5ad/*.h5ad "$ROOT"/Fixtures/bad/*.h5ad; do
    [ "$(stat -c %s "$f")" -le 65536 ] && cp "$f" "$WORK/h5ad-seeds/"
  done
  export SWIFT_BACKTRACE=enable=no
  # libhdf5 asks for absurd sizes on corrupted headers and handles a NULL answer, as glibc gives.
  export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=1:suppressions=$ROOT/Fuzz/h5ad-asan-suppressions.txt"
  set +e
  "$WORK/h5ad-fuzzer" "$WORK/h5ad-corpus" "$WORK/h5ad-seeds" -max_total_time="$DURATION" -max_len=65536 -timeout=20 \
    -rss_limit_mb=2048 -artifact_prefix="$WORK/artifacts/h5ad-" -print_final_stats=1 \
    2>&1 | tee "$WORK/last-h5ad-run.log" | grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|ERROR|FUZZ FINDING|SUMMARY|stat::|Test unit written"
  status=${PIPESTATUS[0]}
  set -e
  echo "== fuzzer exit status $status (0 = no crash); log: $WORK/last-h5ad-run.log"
  exit "$status"
fi

echo "== link the harness"
rm -f "$BIN"
mapfile -t OBJECTS < <(find "$OUT/" -path '*.build/*.o' -not -path '*/ParserFuzzer*' -not -path '*/H5ADFuzzer*')
# shellcheck disable=SC2046
swiftc -sanitize=fuzzer,address -parse-as-library -O "${DEFINES[@]}" \
  "$ROOT/Fuzz/ParserFuzzer.swift" "${OBJECTS[@]}" \
  -I "$OUT/Modules" \
  -Xcc -fmodule-map-file="$PKG/Sources/CZlib/module.modulemap" \
  -Xcc -fmodule-map-file="$PKG/Sources/CHDF5/module.modulemap" \
  $(pkg-config --cflags-only-I hdf5 zlib | sed 's/-I/-Xcc -I/g') \
  $(pkg-config --libs hdf5 zlib) -lhdf5_hl \
  -o "$BIN" 2>&1 | grep -v "Cannot export local symbol" || true
[ -x "$BIN" ] || { echo "link failed" >&2; exit 1; }

# Selector bytes must match the order of FuzzTarget in Fuzz/ParserFuzzer.swift.
targets=(gmt gmtRoundTrip gmx grp rnk rnkLenient msigdbJSON gunzip)
for d in "${DEFINES[@]}"; do
  case "$d" in
    FUZZ_MATRIX_MARKET) targets+=(matrixMarket matrixMarketParallelTransposed) ;;
    FUZZ_GEO) targets+=(geoSeriesMatrix soft) ;;
    FUZZ_DELIMITED) targets+=(delimited) ;;
  esac
done
selector() {
  local i
  for i in "${!targets[@]}"; do
    if [ "${targets[$i]}" = "$1" ]; then echo "$i"; fi
  done
  return 0
}

# seed TARGET FILE: write selector byte + (decompressed, truncated) content.
seed() {
  local sel; sel="$(selector "$1")"; [ -n "$sel" ] || return 0
  local out; out="$WORK/seeds/$1-$(basename "$2")"
  { printf "\\x$(printf %02x "$sel")"
    if [ "$1" != gunzip ] && gzip -t "$2" 2>/dev/null; then gzip -dc "$2"; else cat "$2"; fi
  } | head -c 16384 > "$out" || true
}
shopt -s nullglob globstar
for f in "$ROOT"/Fixtures/**/*.gmt* "$ROOT"/Fuzz/seeds/*.gmt "$ROOT"/../shared/data/gsea_fixtures/*/*.gmt; do seed gmt "$f"; seed gmtRoundTrip "$f"; done
for f in "$ROOT"/Fixtures/**/*.gmx* "$ROOT"/Fuzz/seeds/*.gmx; do seed gmx "$f"; done
for f in "$ROOT"/Fixtures/**/*.grp* "$ROOT"/Fuzz/seeds/*.grp; do seed grp "$f"; done
for f in "$ROOT"/Fixtures/**/*.rnk* "$ROOT"/Fuzz/seeds/*.rnk "$ROOT"/../shared/data/gsea_fixtures/*/*.rnk; do seed rnk "$f"; seed rnkLenient "$f"; done
for f in "$ROOT"/Fixtures/genesets/*.json "$ROOT"/Fuzz/seeds/*.json; do seed msigdbJSON "$f"; done
for f in "$ROOT"/Fixtures/**/*.gz; do
  if [ "$(stat -c %s "$f")" -le 16384 ]; then seed gunzip "$f"; fi
done
for f in "$ROOT"/Fixtures/**/*.mtx*; do seed matrixMarket "$f"; seed matrixMarketParallelTransposed "$f"; done
for f in "$ROOT"/Fixtures/**/*series_matrix*; do seed geoSeriesMatrix "$f"; done
for f in "$ROOT"/Fixtures/**/*.soft*; do seed soft "$f"; done
for f in "$ROOT"/Fixtures/**/*.csv* "$ROOT"/Fixtures/**/*counts*.t*; do seed delimited "$f"; done
# Inputs that once failed (selector byte included), replayed first.
for f in "$ROOT"/Fuzz/regressions/*; do cp "$f" "$WORK/seeds/regression-$(basename "$f")"; done
echo "== $(ls "$WORK/seeds" | wc -l) seeds, $(ls "$WORK/corpus" | wc -l) corpus entries; running ${DURATION}s"

export SWIFT_BACKTRACE=enable=no           # the Swift backtracer would hang libFuzzer's crash handling
export ASAN_OPTIONS="detect_leaks=0:allocator_may_return_null=0"
set +e
"$BIN" "$WORK/corpus" "$WORK/seeds" -max_total_time="$DURATION" -max_len=16384 -timeout=20 \
  -rss_limit_mb=2048 -malloc_limit_mb=1024 -artifact_prefix="$WORK/artifacts/" -print_final_stats=1 \
  2>&1 | tee "$WORK/last-run.log" | grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|ERROR|FUZZ FINDING|SUMMARY|stat::|Test unit written"
status=${PIPESTATUS[0]}
set -e
echo "== fuzzer exit status $status (0 = no crash); log: $WORK/last-run.log"
exit "$status"
