"""Loads a MISP feed directory the way a MISP instance reads one, with PyMISP's strict checks.

PyMISP refuses unknown attribute types and quietly replaces a category that does not fit the type,
so the caller compares the loaded types and categories with what it served.

Usage: misp_check.py DIR   (DIR holds manifest.json, hashes.csv and <uuid>.json per event)
Prints JSON: per event the PyMISP manifest entry it computes and the attribute hashes, plus the
feed's own manifest and hashes.csv lines, so the caller can compare them.
"""
import json
import os
import sys

from pymisp import MISPEvent


def main(directory):
    with open(os.path.join(directory, "manifest.json")) as f:
        manifest = json.load(f)
    with open(os.path.join(directory, "hashes.csv")) as f:
        hashes = sorted(line.strip() for line in f if line.strip())
    events = {}
    for uuid in manifest:
        event = MISPEvent(strict_validation=True)
        event.load_file(os.path.join(directory, uuid + ".json"))
        entry = event.manifest[event.uuid]
        events[uuid] = {
            "uuid": event.uuid,
            "info": entry["info"],
            "date": entry["date"],
            "timestamp": str(entry["timestamp"]),
            "tags": [t["name"] for t in entry["Tag"]],
            "attributes": [{"type": a.type, "category": a.category, "value": a.value} for a in event.attributes],
            "hashes": [h + "," + event.uuid for h in event.attributes_hashes("md5")],
        }
    json.dump({"manifest": manifest, "hashes": hashes, "events": events}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
