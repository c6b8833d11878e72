"""Drives the C4TAP TAXII server with the OASIS taxii2-client, as a participant's tool would.

Usage: taxii_client.py DISCOVERY_URL [COLLECTION_TITLE PER_REQUEST]
Token in the C4TAP_TOKEN environment variable (sent as a bearer token).
Prints JSON: the discovery title, API roots, the collections listed, and, when a collection title
is given, every object id read by paging through it with as_pages (and the number of pages).
"""
import json
import os
import sys

import requests
from taxii2client.v21 import Server, as_pages


class Bearer(requests.auth.AuthBase):
    def __init__(self, token):
        self.token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer " + self.token
        return request


def main(url, title=None, per_request=None):
    server = Server(url, auth=Bearer(os.environ["C4TAP_TOKEN"]))
    root = server.default
    out = {
        "title": server.title,
        "api_roots": [r.url for r in server.api_roots],
        "root_versions": root.versions,
        "collections": [
            {"id": c.id, "title": c.title, "can_read": c.can_read, "can_write": c.can_write}
            for c in root.collections
        ],
    }
    if title is not None:
        collection = next(c for c in root.collections if c.title == title)
        ids, pages = [], 0
        for envelope in as_pages(collection.get_objects, per_request=int(per_request)):
            pages += 1
            ids.extend(o["id"] for o in envelope.get("objects", []))
        out["pages"] = pages
        out["ids"] = ids
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
