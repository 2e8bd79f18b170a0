#!/usr/bin/env python3
"""Bytes of WASM code per Rust crate, from a module's name section.

    bench/wasm-crates.py FILE.wasm [ROWS]
    bench/wasm-crates.py --modules FILE.wasm [ROWS]

FILE must keep its function names (`wasm-opt -g`, as `bench/build.sh --crates` builds it).
Each function's body size is counted for the crate its name starts with. An impl for a type
parameter or a primitive type (`<T as tachys::view::Render>::build`, `<f64 as
core::fmt::Display>::fmt`) counts for the trait's crate: that crate's generic code, instantiated
for the app's types. Functions without a name (`?`) or a crate path count as `(other)`. The
name section and data are not code and are left out. Prints one row per crate, largest first,
with its share of the code.

With `--modules`, the code is counted per module of the `app` crate instead: a function counts
for the first `app::module::submodule` its name mentions, so the framework's generic code
instantiated for a view's types counts for the view's module; functions that name no app
module count as `(not the app's)`. This says which views cost most once the renderer's code is
counted with them.
"""
import collections
import re
import sys


def leb(data, i):
    value, shift = 0, 0
    while True:
        byte = data[i]
        i += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return value, i


def sections(data):
    i = 8
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, i, size
        i += size


def imported_functions(data, start):
    count, i = leb(data, start)
    functions = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            length, i = leb(data, i)
            i += length
        kind = data[i]
        i += 1
        if kind == 0:  # function: type index
            _, i = leb(data, i)
            functions += 1
        elif kind == 1:  # table: element type, limits
            flags = data[i + 1]
            _, i = leb(data, i + 2)
            if flags & 1:
                _, i = leb(data, i)
        elif kind == 2:  # memory: limits
            flags = data[i]
            _, i = leb(data, i + 1)
            if flags & 1:
                _, i = leb(data, i)
        elif kind == 3:  # global: value type, mutability
            i += 2
        else:
            raise SystemExit(f"unknown import kind {kind}")
    return functions


def main():
    args = sys.argv[1:]
    by_module = args[:1] == ["--modules"]
    if by_module:
        args = args[1:]
    path = args[0]
    rows = int(args[1]) if len(args) > 1 else 30
    data = open(path, "rb").read()
    imports, bodies, names = 0, {}, {}
    for sid, start, size in sections(data):
        if sid == 2:
            imports = imported_functions(data, start)
        elif sid == 10:
            count, i = leb(data, start)
            for k in range(count):
                length, body = leb(data, i)
                bodies[imports + k] = length + (body - i)
                i = body + length
        elif sid == 0:
            length, i = leb(data, start)
            if data[i:i + length] != b"name":
                continue
            i += length
            while i < start + size:
                kind = data[i]
                sub, i = leb(data, i + 1)
                if kind == 1:
                    count, j = leb(data, i)
                    for _ in range(count):
                        index, j = leb(data, j)
                        length, j = leb(data, j)
                        names[index] = data[j:j + length].decode("utf-8", "replace")
                        j += length
                i += sub
    if not names:
        raise SystemExit(f"{path} has no function names: build it with `wasm-opt -g`")
    owner = module_of if by_module else crate_of
    per_crate = collections.Counter()
    for index, size in bodies.items():
        per_crate[owner(demangled(names.get(index, "")))] += size
    total = sum(per_crate.values())
    print(f"{'bytes':>9}  share  {'module' if by_module else 'crate'}")
    for crate, size in per_crate.most_common(rows):
        print(f"{size:9d} {100 * size / total:5.1f} %  {crate}")
    print(f"{total:9d} 100.0 %  all code")


ESCAPES = {"$LT$": "<", "$GT$": ">", "$RF$": "&", "$BP$": "*", "$C$": ",", "$SP$": "@",
           "$u20$": " ", "$u27$": "'", "$u5b$": "[", "$u5d$": "]", "$u7b$": "{", "$u7d$": "}",
           "$u3b$": ";", "$u2b$": "+", "$u22$": '"', "$LP$": "(", "$RP$": ")"}


def demangled(name):
    """A legacy-mangled Rust symbol (`_ZN3app6canvas5cards...E`, as cargo leaves them before
    wasm-bindgen) as its path; other names as they are."""
    if not name.startswith("_ZN") or not name.endswith("E"):
        return name
    parts, i, body = [], 3, name[:-1]
    while i < len(body):
        match = re.match(r"[0-9]+", body[i:])
        if not match:
            return name
        length = int(match.group(0))
        i += len(match.group(0))
        part = body[i:i + length]
        i += length
        if re.fullmatch(r"h[0-9a-f]{16}", part):
            break
        part = part[1:] if part.startswith("_$") else part
        for code, text in ESCAPES.items():
            part = part.replace(code, text)
        parts.append(part.replace("..", "::"))
    return "::".join(parts)


def module_of(name):
    match = re.search(r"\bapp(?:\[[0-9a-f]+\])?((?:::[a-z_][a-z0-9_]*){1,2})", name)
    return "app" + match.group(1) if match else "(not the app's)"


def crate_of(name):
    name = re.sub(r"::h[0-9a-f]{16}$", "", name)
    for _ in range(4):
        name = re.sub(r"^[<&\s\[(*]+|^(mut|const|dyn)\s+", "", name)
    match = re.match(r"([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::", name)
    if not match:
        # `<f64 as core::fmt::Display>::fmt`: a primitive type's impl counts for the trait's crate.
        match = re.match(r"[A-Za-z0-9_]+ as ([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::", name)
    if not match:
        return "(other)"
    crate = match.group(1)
    # A single capital left here is a type parameter of an impl outside any crate path.
    return "(other)" if re.fullmatch(r"[A-Z]", crate) else crate


if __name__ == "__main__":
    main()
