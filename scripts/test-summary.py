#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Print one 'N passed, N failed' line over meson test logs.

Exits 1 if any test failed or if no test ran at all, so that an empty run
can never pass for a green one.
"""
import json
import sys

passed = failed = skipped = 0
for path in sys.argv[1:]:
    with open(path) as log:
        for line in log:
            result = json.loads(line).get("result")
            if result in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif result == "SKIP":
                skipped += 1
            else:
                failed += 1

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed or not passed else 0)
