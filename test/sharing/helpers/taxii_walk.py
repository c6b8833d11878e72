"""Walks every collection of the C4TAP TAXII server with the OASIS taxii2-client, as a consumer would.

Usage: taxii_walk.py DISCOVERY_URL USER LIMIT...   (the API token in C4TAP_TOKEN: HTTP Basic password)
For each collection and each limit: the objects read by paging with `next` (as_pages), by polling
with added_after = the last page's X-TAXII-Date-Added-Last, and the manifest (as_pages); then, at
limit 500, the match[type|id|version|spec_version] filters. Prints one JSON document.
"""
import json
import os
import sys

from taxii2client.v21 import Server, as_pages


def version_of(obj):
    return obj.get("modified") or obj.get("created")


def main(url, user, *limits):
    json.dump(walk(Server(url, user=user, password=os.environ["C4TAP_TOKEN"]), limits), sys.stdout)


def walk(server, limits):
    """The report of every collection of this server (see the module's docstring)."""
    last_headers = {}
    hook = lambda r, *a, **k: last_headers.update({"h": r.headers})  # noqa: E731
    out = {}
    for collection in server.default.collections:
        report = {"limits": {}}
        if hook not in collection._conn.session.hooks["response"]:
            collection._conn.session.hooks["response"].append(hook)
        for limit in map(int, limits):
            pages, by_next = [], []
            for envelope in as_pages(collection.get_objects, per_request=limit):
                objs = envelope.get("objects", [])
                pages.append({"n": len(objs), "more": envelope.get("more", False)})
                by_next.extend([o["id"], o["type"], version_of(o)] for o in objs)
            by_added, after, polls = [], None, 0
            while polls < 100000:
                polls += 1
                envelope = collection.get_objects(limit=limit, **({"added_after": after} if after else {}))
                objs = envelope.get("objects", [])
                if not objs:
                    break
                by_added.extend([o["id"], o["type"], version_of(o)] for o in objs)
                after = last_headers["h"]["X-TAXII-Date-Added-Last"]
            manifest = []
            for envelope in as_pages(collection.get_manifest, per_request=limit):
                manifest.extend([m["id"], m["version"], m["date_added"]] for m in envelope.get("objects", []))
            report["limits"][str(limit)] = {"pages": pages, "next": by_next, "added_after": by_added, "manifest": manifest}

        everything = [o for e in as_pages(collection.get_objects, per_request=500) for o in e.get("objects", [])]
        types = sorted({o["type"] for o in everything})
        report["by_type"] = {
            t: [o["id"] for e in as_pages(collection.get_objects, per_request=500, type=t) for o in e.get("objects", [])] for t in types
        }
        report["by_id"] = {o["id"]: [x["id"] for x in collection.get_objects(id=o["id"]).get("objects", [])] for o in everything[::7]}
        versioned = [o for o in everything if version_of(o)][::5]
        report["by_version"] = [
            {
                "id": o["id"],
                "exact": len(collection.get_objects(id=o["id"], version=version_of(o)).get("objects", [])),
                "first_last_all": [len(collection.get_objects(id=o["id"], version=v).get("objects", [])) for v in ("first", "last", "all")],
                "other": len(collection.get_objects(id=o["id"], version="2000-01-01T00:00:00.000Z").get("objects", [])),
                "versions": collection.object_versions(o["id"]).get("versions", []),
            }
            for o in versioned
        ]
        spec20 = collection.get_objects(spec_version="2.0")
        spec21 = [o["id"] for e in as_pages(collection.get_objects, per_request=500, spec_version="2.1") for o in e.get("objects", [])]
        report["spec_version"] = {"2.0": {"n": len(spec20.get("objects", [])), "more": spec20.get("more", False)}, "2.1": spec21}
        out[collection.title] = report
    return out


if __name__ == "__main__":
    main(*sys.argv[1:])
