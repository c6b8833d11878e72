"""The same taxii2-client walk against medallion (the OASIS reference TAXII 2.1 server) loaded with
the objects the C4TAP server holds, for comparison.

Usage: medallion_walk.py C4TAP_DISCOVERY_URL USER LIMIT...   (the API token in C4TAP_TOKEN)
Reads every collection of the C4TAP server (objects and manifest), loads them into medallion's
memory backend (each object its own date_added, a microsecond apart in the collection's order),
serves it on a loopback port and prints taxii_walk.walk's report of it.
"""
import datetime
import json
import os
import sys
import tempfile
import threading

from taxii2client.v21 import Server, as_pages
from werkzeug.serving import make_server

from medallion import application_instance, register_blueprints, set_config
from taxii_walk import walk


def load(url, user):
    server = Server(url, user=user, password=os.environ["C4TAP_TOKEN"])
    start = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    collections = []
    for c in server.default.collections:
        objects = [o for e in as_pages(c.get_objects, per_request=5000) for o in e.get("objects", [])]
        manifest = {m["id"]: m for e in as_pages(c.get_manifest, per_request=5000) for m in e.get("objects", [])}
        for i, o in enumerate(objects):
            added = (start + datetime.timedelta(microseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            o["_date_added"] = added
            # Medallion parses timestamps to microseconds: unversioned objects (SCOs) take the new date_added.
            version = o.get("modified") or o.get("created") or added
            manifest[o["id"]] = {**manifest[o["id"]], "date_added": added, "version": version}
        collections.append({
            "id": c.id, "title": c.title, "description": c.description or "", "can_read": True, "can_write": False,
            "media_types": ["application/stix+json;version=2.1"], "objects": objects, "manifest": list(manifest.values()),
        })
    return collections


def main(url, user, *limits):
    data = {
        "/discovery": {"title": "medallion", "default": "http://127.0.0.1/api1/", "api_roots": []},
        "api1": {
            "information": {"title": "api1", "versions": ["application/taxii+json;version=2.1"], "max_content_length": 9765625},
            "status": [],
            "collections": load(url, user),
        },
    }
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(data, f)
    config = {
        "backend": {"module": "medallion.backends.memory_backend", "module_class": "MemoryBackend", "filename": f.name},
        "users": {"walker": "secret"},
        "taxii": {"max_page_size": 5000},
    }
    set_config(application_instance, "users", config)
    set_config(application_instance, "taxii", config)
    set_config(application_instance, "backend", config)
    register_blueprints(application_instance)
    http = make_server("127.0.0.1", 0, application_instance, threaded=True)
    port = http.server_port
    data["/discovery"]["default"] = "http://127.0.0.1:%d/api1/" % port
    application_instance.medallion_backend.data["/discovery"]["default"] = data["/discovery"]["default"]
    application_instance.medallion_backend.data["/discovery"]["api_roots"] = [data["/discovery"]["default"]]
    threading.Thread(target=http.serve_forever, daemon=True).start()
    report = walk(Server("http://127.0.0.1:%d/taxii2/" % port, user="walker", password="secret"), limits)
    json.dump(report, sys.stdout)
    os._exit(0)


if __name__ == "__main__":
    main(*sys.argv[1:])
