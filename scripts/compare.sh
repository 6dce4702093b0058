#!/usr/bin/env bash
# Compares witbind with wit-bindgen 0.63 on the same guest sources
# (tests/guests/{diff,roundtrip}-*): the time rustc spends compiling the
# guest crate itself (bindings expansion + codegen, dependencies excluded)
# and the size of the release component. Prints one line per pair with the
# ratio wit-bindgen / witbind (above 1: witbind is faster / smaller).
#
# Usage: scripts/compare.sh [rounds]     (default 3 rounds per crate)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
target=target/compare

# The guests read the WASI WIT through this link, as the tests make it.
wit=$(cargo metadata --format-version 1 --manifest-path Cargo.toml |
    python3 -c 'import json,sys,os; m=json.load(sys.stdin); print(os.path.dirname(next(p["manifest_path"] for p in m["packages"] if p["name"]=="wasip2"))+"/wit")')
ln -sfn "$wit" tests/guests/.wasi-wit

build() { # crate -> seconds of the crate's own compile, averaged
    local crate=$1 total=0
    cargo build --release --quiet --target wasm32-wasip2 --manifest-path tests/guests/Cargo.toml \
        --target-dir "$target" -p "$crate"
    for _ in $(seq "$rounds"); do
        touch tests/guests/"$crate"/src/*.rs
        local start end
        start=$(date +%s.%N)
        cargo build --release --quiet --target wasm32-wasip2 --manifest-path tests/guests/Cargo.toml \
            --target-dir "$target" -p "$crate"
        end=$(date +%s.%N)
        total=$(awk "BEGIN { print $total + $end - $start }")
    done
    awk "BEGIN { print $total / $rounds }"
}

size() { # crate -> bytes of its release component
    local file=${1//-/_}
    local path=$target/wasm32-wasip2/release/$file.wasm
    [ -f "$path" ] || path=$target/wasm32-wasip2/release/$1.wasm
    stat -c %s "$path"
}

printf '%-12s %14s %14s %7s   %12s %12s %7s\n' pair "witbind s" "wit-bindgen s" ratio "witbind B" "wit-bindgen B" ratio
for pair in diff roundtrip; do
    ours=$(build "$pair-witbind")
    theirs=$(build "$pair-wit-bindgen")
    ours_size=$(size "$pair-witbind")
    theirs_size=$(size "$pair-wit-bindgen")
    printf '%-12s %14.2f %14.2f %7.2f   %12d %12d %7.2f\n' "$pair" "$ours" "$theirs" \
        "$(awk "BEGIN { print $theirs / $ours }")" "$ours_size" "$theirs_size" \
        "$(awk "BEGIN { print $theirs_size / $ours_size }")"
done
