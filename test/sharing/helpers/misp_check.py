"""Loads a MISP feed directory the way a MISP instance reads one, with PyMISP's strict checks.

For every event listed in manifest.json it
  - validates the served file against PyMISP's strict MISP event schema (pymisp/data/schema.json:
    the format MISP writes, strings where MISP uses strings, no unknown keys),
  - loads it with MISPEvent(strict_validation=True).load and writes it back with
    to_feed(with_distribution=True): every served key must come back with the same value; keys
    to_feed adds must hold MISP's defaults only (the round trip),
  - reports the manifest entry and attribute hashes PyMISP computes.
PyMISP refuses unknown attribute types and quietly replaces a category that does not fit the type,
so the caller also compares the loaded types and categories with what it served.

Usage: misp_check.py DIR   (DIR holds manifest.json, hashes.csv and <uuid>.json per event)
Prints JSON: per event what PyMISP computed, schema errors and round-trip differences, plus the
feed's own manifest and hashes.csv lines.
"""
import copy
import json
import os
import sys

import jsonschema
import pymisp
from pymisp import MISPEvent

SCHEMA_FILE = os.path.join(os.path.dirname(pymisp.__file__), "data", "schema.json")
# What to_feed writes although the served file may leave it out (MISP's defaults).
DEFAULTS = {"extends_uuid": "", "protected": False, "local": False, "relationship_type": "", "disable_correlation": False}


def differences(served, fed, path="Event"):
    if isinstance(served, dict) and isinstance(fed, dict):
        out = []
        for key, value in served.items():
            if key not in fed:
                out.append(f"{path}.{key}: dropped by to_feed")
            else:
                out += differences(value, fed[key], f"{path}.{key}")
        for key, value in fed.items():
            if key not in served and (key not in DEFAULTS or DEFAULTS[key] != value):
                out.append(f"{path}.{key}: added by to_feed as {value!r}")
        return out
    if isinstance(served, list) and isinstance(fed, list):
        if len(served) != len(fed):
            return [f"{path}: {len(served)} items served, {len(fed)} after to_feed"]
        return [d for i, (a, b) in enumerate(zip(served, fed)) for d in differences(a, b, f"{path}[{i}]")]
    if served != fed or type(served) is not type(fed):
        return [f"{path}: served {served!r}, to_feed {fed!r}"]
    return []


def main(directory):
    with open(SCHEMA_FILE) as f:
        validator = jsonschema.Draft4Validator(json.load(f))
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(directory, "hashes.csv")) as f:
        hashes = [line.rstrip("\n") for line in f if line.strip()]
    events = {}
    for uuid in manifest:
        with open(os.path.join(directory, uuid + ".json")) as f:
            served = json.load(f)
        schema_errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(served)]
        event = MISPEvent(strict_validation=True)
        event.load(copy.deepcopy(served))  # PyMISP pops what it reads from the dicts it is given
        fed = event.to_feed(with_distribution=True)
        entry = event.manifest[event.uuid]
        events[uuid] = {
            "uuid": event.uuid,
            "info": entry["info"],
            "date": entry["date"],
            "timestamp": entry["timestamp"],
            "analysis": entry["analysis"],
            "threat_level_id": entry["threat_level_id"],
            "tags": [t["name"] for t in entry["Tag"]],
            "attributes": [{"type": a.type, "category": a.category, "value": a.value} for a in event.attributes],
            "hashes": [h + "," + event.uuid for h in event.attributes_hashes("md5")],
            "schema_errors": schema_errors,
            "round_trip": differences(served["Event"], fed["Event"]),
        }
    json.dump({"manifest": manifest, "hashes": hashes, "events": events}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
