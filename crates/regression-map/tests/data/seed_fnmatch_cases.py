#!/usr/bin/env python3
"""Regenerates seed_fnmatch_cases.json: the seed hook's matcher, run by CPython itself.

The expected value of each (pattern, path) pair is exactly what
`scripts/regression-gate-hook.sh` computed: fnmatch(f, p) or fnmatch(f, "*/" + p).
Run: python3 seed_fnmatch_cases.py > seed_fnmatch_cases.json
"""
import fnmatch
import json
import sys

PATTERNS = [
    "src/*.ts", "src/**/*.ts", "src/**", "lib/auth.ts", "*.md", "**/*.md", "*", "**",
    "app/(auth)/*", "components/ui/*.tsx", "a?c", "[ab]*", "[!ab]*", "[]]x", "[!]]x",
    "[a-c]x", "[z-a]x", "[z-ab]x", "[!z-a]x", "[a-]x", "[-a]x", "[^a]x", "[a-c-e]x",
    "a[b", "a[!", "x\\y", "{a,b}.ts", "docs/", "*/docs/*", "README*", "*.[jt]s",
    "packages/*/src/index.ts", "é?.ts", "?", "db/migrations/*.sql", ".github/**",
]
PATHS = [
    "src/a.ts", "src/a/b.ts", "src/a.tsx", "x/src/a.ts", "lib/auth.ts", "x/lib/auth.ts",
    "xlib/auth.ts", "README.md", "docs/README.md", "a/b/c.md", "app/(auth)/login/page.tsx",
    "components/ui/button.tsx", "abc", "a/c", "aXc", "ac", "bx", "cx", "]x", "zx", "bx",
    "-x", "^x", "dx", "ex", "a[b", "a[!", "x\\y", "{a,b}.ts", "a.ts", "docs/", "q/docs/r",
    "README", "README.txt", "lib/x.js", "lib/x.ts", "lib/x.cs", "packages/core/src/index.ts",
    "packages/a/b/src/index.ts", "éa.ts", "éé.ts", "x", "xy", "db/migrations/001.sql",
    ".github/workflows/ci.yml", "sub/.github/x", "x/y/z/w",
]


def seed(f, p):
    return fnmatch.fnmatch(f, p) or fnmatch.fnmatch(f, "*/" + p)


cases = [[p, f, seed(f, p)] for p in PATTERNS for f in PATHS]
lines = ",\n".join("  " + json.dumps(c, ensure_ascii=False) for c in cases)
print('{"python": %s, "cases": [\n%s\n]}' % (json.dumps(sys.version.split()[0]), lines))
