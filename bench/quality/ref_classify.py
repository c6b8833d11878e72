"""Whether a published indicator should have been withheld: a hop at or after the Received cut,
an empty-file hash, a warning-listed value, or a host without a real top-level domain. The first
reason that applies names the category; None means the value is a fair attacker indicator."""
import ipaddress
from urllib.parse import urlsplit

from ref_warninglists import is_ip

HASH_TYPES = {"file-md5", "file-sha1", "file-sha256"}
HOST_TYPES = {"domain-name", "email-message-id-domain"}


def canonical_ip(value):
    try:
        return str(ipaddress.ip_address(value.strip("[]")))
    except ValueError:
        return value


def host_category(host, wl, internal, path=True):
    h = host.lower().rstrip(".")
    if is_ip(h):
        if canonical_ip(h) in internal["ips"]:
            return "received-internal"
        lists = wl.host(h)
        return f"warning-list:{lists[0]}" if lists and not path else None
    if h in internal["names"]:
        return "received-internal"
    lists = wl.registry_suffix(h) or wl.host(h)
    if lists and not path:
        return f"warning-list:{lists[0]}"
    if not wl.has_public_suffix(h):
        return "no-public-suffix"
    return None


def category(kind, value, wl, internal):
    if kind in ("ipv4-addr", "ipv6-addr", *HOST_TYPES):
        return host_category(value, wl, internal, path=False)
    if kind == "url":
        try:
            parts = urlsplit(value)
            host = parts.hostname or ""
        except ValueError:
            return None
        lists = wl.url(value)
        if lists:
            return f"warning-list:{lists[0]}"
        return host_category(host, wl, internal, path=parts.path not in ("", "/") or bool(parts.query)) if host else None
    if kind == "email-addr":
        domain = value.rsplit("@", 1)[-1]
        lists = wl.email(value)
        if lists:
            return f"warning-list:{lists[0]}"
        if domain.lower() in internal["names"]:
            return "received-internal"
        return None if wl.has_public_suffix(domain) else "no-public-suffix"
    if kind in HASH_TYPES:
        lists = wl.hash(value)
        if "empty-hashes" in lists:
            return "empty-hash"
        return f"warning-list:{lists[0]}" if lists else None
    return None


def classify(kind, value, wl, internal):
    return {"type": kind, "value": value, "category": category(kind, value, wl, internal)}
