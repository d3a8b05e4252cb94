#!/usr/bin/env python3
"""The layering, read from the includes (docs/architecture.md).

The module table is the build's: CMake writes layering.json (each module's
pipeline level, its public headers and the modules it links). This script
reads every #include "..." of src/ and include/edgeflow/ and fails when

  - a module includes a public header of a module it does not link
    (directly or through the modules it links),
  - a module includes another module's private header (src/OTHER/...),
  - a public header belongs to no module, or to two,
  - a module links one of the same or a higher level (a wrong-direction
    arrow), or the links form a cycle.

  check_layering.py LAYERING_JSON SOURCE_DIR
Exit status 0 when the tree keeps the layering, 1 with one line per fault.
"""
import json
import re
import sys
from pathlib import Path

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
GENERATED = re.compile(r"^([a-z_]+)\.pb\.h$")


def load_modules(path):
    table = json.loads(Path(path).read_text())
    modules = {}
    for name, m in table.items():
        if not name:
            continue
        modules[name] = {
            "level": m["level"],
            "headers": [h for h in m["headers"] if h],
            "deps": [d for d in m["deps"] if d],
        }
    return modules


def reachable(modules, name):
    seen, todo = set(), list(modules[name]["deps"])
    while todo:
        d = todo.pop()
        if d not in seen:
            seen.add(d)
            todo.extend(modules[d]["deps"])
    return seen


def check(modules, root):
    faults = []
    owner = {}
    for name, m in modules.items():
        for h in m["headers"]:
            if h in owner:
                faults.append(f"include/edgeflow/{h}: claimed by modules {owner[h]} and {name}")
            owner[h] = name
        for d in m["deps"]:
            if d not in modules:
                faults.append(f"module {name}: links unknown module {d}")
            elif modules[d]["level"] >= m["level"]:
                faults.append(f"module {name} (level {m['level']}) links {d} "
                              f"(level {modules[d]['level']}): a wrong-direction arrow")
    for name in modules:
        if name in reachable(modules, name):
            faults.append(f"module {name}: its links form a cycle")
    for h in sorted((root / "include" / "edgeflow").glob("*.h")):
        if h.name not in owner:
            faults.append(f"include/edgeflow/{h.name}: belongs to no module")

    # Generated Protobuf headers: x.pb.h belongs to the module holding x.proto.
    proto_owner = {p.stem: p.parent.name for p in (root / "src").glob("*/*.proto")}

    def visible(name):
        return {name} | reachable(modules, name)

    def check_file(path, name):
        rel = path.relative_to(root)
        for inc in INCLUDE.findall(path.read_text(errors="replace")):
            if inc.startswith("edgeflow/"):
                header = inc[len("edgeflow/"):]
                target = owner.get(header)
                if target is None:
                    faults.append(f"{rel}: includes {inc}, which no module declares")
                elif target not in visible(name):
                    faults.append(f"{rel}: module {name} includes {inc} of module {target}, "
                                  f"which it does not link")
                continue
            generated = GENERATED.match(inc)
            if generated and generated.group(1) in proto_owner:
                target = proto_owner[generated.group(1)]
                if target not in visible(name):
                    faults.append(f"{rel}: module {name} includes {inc} of module {target}, "
                                  f"which it does not link")
                continue
            first = inc.split("/")[0]
            if "/" in inc and first in modules and first != name:
                faults.append(f"{rel}: module {name} includes {inc}, a private header of "
                              f"module {first}")

    for name in modules:
        for path in sorted((root / "src" / name).rglob("*")):
            if path.suffix in (".h", ".cpp"):
                check_file(path, name)
        for h in modules[name]["headers"]:
            path = root / "include" / "edgeflow" / h
            if path.exists():
                check_file(path, name)
    return faults


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[-2], file=sys.stderr)
        return 2
    modules = load_modules(sys.argv[1])
    faults = check(modules, Path(sys.argv[2]))
    for f in faults:
        print(f"layering: {f}")
    print(f"layering: {len(modules)} modules, {len(faults)} faults")
    return 1 if faults else 0


if __name__ == "__main__":
    sys.exit(main())
