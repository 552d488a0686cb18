#!/usr/bin/env bash
# combine_datasets.sh OUT DATASET... : joins Hugging Face datasets folders written by omics tokenize
# (same features) into one folder that datasets.load_from_disk opens as one dataset: the Arrow files
# are hard-linked (or copied) as data-K-of-N.arrow in shard order, dataset_info.json is taken from the
# first shard, state.json lists the files. Written under a temporary name, then renamed.
set -euo pipefail
out=$1; shift
[ $# -gt 0 ] || { echo "combine_datasets.sh: no input folders" >&2; exit 1; }
tmp="$(dirname "$out")/.$(basename "$out").tmp-$$"
rm -rf "$tmp"; mkdir -p "$tmp"
trap 'rm -rf "$tmp"' ERR
first_info="$1/dataset_info.json"
files=()
for d in "$@"; do
  cmp -s "$first_info" "$d/dataset_info.json" || { echo "combine_datasets.sh: $d has other features than $1" >&2; exit 1; }
  for f in $(ls "$d" | grep '^data-.*\.arrow$' | sort); do files+=("$d/$f"); done
done
n=${#files[@]}
entries=""
for i in "${!files[@]}"; do
  name=$(printf "data-%05d-of-%05d.arrow" "$i" "$n")
  ln "${files[$i]}" "$tmp/$name" 2>/dev/null || cp "${files[$i]}" "$tmp/$name"
  entries+="${entries:+,
}    {
      \"filename\": \"$name\"
    }"
done
cp "$first_info" "$tmp/dataset_info.json"
fingerprint=$(printf '%s\n' "$@" | cksum | awk '{printf "%016x", $1}')
cat > "$tmp/state.json" <<JSON
{
  "_data_files": [
$entries
  ],
  "_fingerprint": "$fingerprint",
  "_format_columns": null,
  "_format_kwargs": {},
  "_format_type": null,
  "_output_all_columns": false,
  "_split": null
}
JSON
rm -rf "$out"
mv "$tmp" "$out"
