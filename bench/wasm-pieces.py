#!/usr/bin/env python3
"""The pieces of a split browser bundle, and what each part loads, in gzip -9 bytes.

    bench/wasm-pieces.py PKG_DIR [--main NAME] [--first-load NAME]

PKG_DIR is the site's pkg directory after `cargo leptos build --split`: the main module
`NAME.wasm` (`--main`, `editor` unless given: the editor's bundle), one `split_*.wasm` per
lazily loaded function, `chunk_*.wasm` for code that several of them share, and
`__wasm_split_manifest.json`, which names for each lazy function the files its first call
fetches. Prints every file (shared chunks summed), then for each lazy function how many files
its first call fetches and what they add to the main module, in gzip -9 and, where
`--precompress` left them, in the brotli files the server sends. The last line is the gzip -9
bytes of the main module, plus with `--first-load NAME` the files of the lazy function whose
name starts with NAME (what opening that part costs), for a budget check.
"""
import gzip
import json
import pathlib
import sys


def gz(path):
    return len(gzip.compress(path.read_bytes(), compresslevel=9, mtime=0))


def br(path):
    packed = path.with_name(path.name + ".br")
    return packed.stat().st_size if packed.exists() else None


def total(values):
    return None if None in values else sum(values)


def show(value):
    return "" if value is None else f"{value:,}"


def main():
    args = sys.argv[1:]
    if not args:
        raise SystemExit(__doc__)
    pkg = pathlib.Path(args[0])
    first_load = args[args.index("--first-load") + 1] if "--first-load" in args else None
    main = args[args.index("--main") + 1] if "--main" in args else "editor"
    main_wasm = pkg / f"{main}.wasm"
    if not main_wasm.exists():
        raise SystemExit(f"error: {main_wasm} is missing")
    manifest_path = pkg / "__wasm_split_manifest.json"
    if not manifest_path.exists():
        raise SystemExit(f"error: {manifest_path} is missing: the site was not built with --split")
    manifest = json.loads(manifest_path.read_text())

    files = {main: main_wasm}
    files.update({p.stem: p for p in pkg.glob("*.wasm") if p.stem.startswith(("split_", "chunk_"))})
    sizes = {name: (path.stat().st_size, gz(path)) for name, path in files.items()}
    # The brotli files `--precompress` leaves beside them: what the server sends.
    brotli = {name: br(path) for name, path in files.items()}

    print(f"{'file':<56} {'raw':>10} {'gzip -9':>10} {'brotli':>10}")
    for name, (raw, packed) in sorted(sizes.items(), key=lambda kv: -kv[1][1]):
        if not name.startswith("chunk_"):
            print(f"{name + '.wasm':<56} {raw:>10,} {packed:>10,} {show(brotli[name]):>10}")
    chunks = [n for n in sizes if n.startswith("chunk_")]
    print(
        f"{f'{len(chunks)} shared chunks':<56} {sum(sizes[n][0] for n in chunks):>10,} "
        f"{sum(sizes[n][1] for n in chunks):>10,} {show(total([brotli[n] for n in chunks])):>10}"
    )
    total_raw = sum(raw for raw, _ in sizes.values())
    total_gz = sum(packed for _, packed in sizes.values())
    print(f"{'all files':<56} {total_raw:>10,} {total_gz:>10,} {show(total(list(brotli.values()))):>10}")

    # A lazy function's name is its Rust name and a hash of where it is written.
    def loads(split):
        return sum(sizes[f][1] for f in manifest[split] if f in sizes)

    def loads_br(split):
        return total([brotli[f] for f in manifest[split] if f in sizes])

    print(f"\n{'first call of':<40} {'files':>6} {'adds gzip':>10} {'with main':>10} {'brotli':>10}")
    main_gz, main_br = sizes[main][1], brotli[main]
    for split in sorted(manifest, key=loads, reverse=True):
        name = split.rsplit("_", 1)[0]
        count = sum(f in sizes for f in manifest[split])
        with_br = None if main_br is None or loads_br(split) is None else main_br + loads_br(split)
        print(
            f"{name:<40} {count:>6} {loads(split):>10,} {main_gz + loads(split):>10,} "
            f"{show(with_br):>10}"
        )

    if first_load is None:
        print(main_gz)
    else:
        matching = [s for s in manifest if s.rsplit("_", 1)[0] == first_load]
        if len(matching) != 1:
            raise SystemExit(f"error: no single lazy function named {first_load} in the manifest")
        print(main_gz + loads(matching[0]))


if __name__ == "__main__":
    main()
