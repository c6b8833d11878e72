"""Validates STIX 2.1 JSON files with the OASIS validator; prints one JSON result per file.

Usage: validate_stix.py [--strict] FILE... -> stdout: [{"file", "valid", "errors": [...], "warnings": [...]}]
--strict is the validator's strict mode (`stix2_validator --strict`: warnings are errors).
Warnings keep their "{code}" so callers can allow the few they expect.
"""
import json
import sys

from stix2validator import ValidationOptions, validate_file


def main(paths):
    strict = "--strict" in paths
    paths = [p for p in paths if p != "--strict"]
    options = ValidationOptions(version="2.1", strict=strict)
    out = []
    for path in paths:
        result = validate_file(path, options)
        errors, warnings = [], []
        if result.fatal is not None:
            errors.append(str(result.fatal.message))
        for obj in result.object_results or []:
            errors.extend(str(e) for e in obj.errors)
            warnings.extend(str(w) for w in obj.warnings)
        out.append({"file": path, "valid": bool(result.is_valid), "errors": errors, "warnings": warnings})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
