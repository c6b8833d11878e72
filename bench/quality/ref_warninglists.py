"""MISP warning lists, read from their JSON files and matched by a small matcher of our own
(independent of the product's): string (exact), substring, hostname (the host or any parent),
cidr, regex; a list applies to the MISP attribute types named in its matching_attributes."""
import ipaddress
import json
import os
import re

HOST_ATTRS = {"domain", "hostname", "domain|ip"}
IP_ATTRS = {"ip-src", "ip-dst", "domain|ip"}
URL_ATTRS = {"url", "uri"}
EMAIL_ATTRS = {"email-src", "email-dst"}
HASH_ATTRS = {"md5", "sha1", "sha256", "sha224", "sha512"}
# Lists that describe names, not infrastructure: tlds is the TLD table itself; second-level-tlds
# names registry suffixes (a value equal to `co.jp` is not an indicator, a host under it is).
SPECIAL = {"tlds", "second-level-tlds"}


class WarningList:
    def __init__(self, name, kind, entries, attrs):
        self.name = name
        self.kind = kind
        self.attrs = set(attrs)
        self.strings = set()
        self.suffixes = set()
        self.nets = []
        self.regexes = []
        for e in entries:
            e = str(e).strip()
            if not e:
                continue
            if kind == "cidr":
                try:
                    self.nets.append(ipaddress.ip_network(e, strict=False))
                except ValueError:
                    pass
            elif kind == "regex":
                try:
                    self.regexes.append(re.compile(e, re.I))
                except re.error:
                    pass
            elif kind == "substring":
                self.strings.add(e.lower())
            else:
                low = e.lower().rstrip(".")
                if low.startswith("."):
                    self.suffixes.add(low.lstrip("."))
                else:
                    self.strings.add(low)

    def applies(self, attrs):
        return bool(self.attrs & attrs)

    def match_text(self, value):
        v = value.lower()
        if self.kind == "substring":
            return any(s in v for s in self.strings)
        if self.kind == "regex":
            return any(r.search(value) for r in self.regexes)
        return v in self.strings

    def match_host(self, host):
        h = host.lower().rstrip(".")
        if self.kind == "cidr":
            return self.match_ip(h)
        if self.kind == "regex":
            return self.match_text(h)
        labels = h.split(".")
        if self.kind == "substring":
            # Substring lists of domains (disposable-email) name whole domains: matched on label
            # boundaries for host names, so `mail.com` does not flag `gmail.com`.
            return any(p in self.strings for p in (".".join(labels[i:]) for i in range(len(labels))))
        parents = [".".join(labels[i:]) for i in range(len(labels))]
        if any(p in self.suffixes for p in parents):
            return True
        if self.kind == "hostname":
            return any(p in self.strings for p in parents)
        return h in self.strings

    def match_ip(self, text):
        try:
            ip = ipaddress.ip_address(text.strip("[]"))
        except ValueError:
            return False
        return any(ip.version == n.version and ip in n for n in self.nets)


class WarningLists:
    def __init__(self, directory):
        self.lists = []
        self.tlds = set()
        for f in sorted(os.listdir(directory)):
            if not f.endswith(".json"):
                continue
            with open(os.path.join(directory, f), encoding="utf-8") as fh:
                d = json.load(fh)
            name = f[:-5]
            if name == "tlds":
                self.tlds = {str(t).lower() for t in d.get("list", [])}
                continue
            self.lists.append(WarningList(name, d.get("type", "string"), d.get("list", []), d.get("matching_attributes", [])))

    def has_public_suffix(self, host):
        """The last label is a real top-level domain (the MISP tlds list)."""
        labels = host.lower().rstrip(".").split(".")
        return len(labels) >= 2 and labels[-1] in self.tlds

    def host(self, host):
        """Lists that name this host name or IP address (infrastructure, popular or benign hosts)."""
        if is_ip(host):
            return [l.name for l in self.lists if l.applies(IP_ATTRS) and l.kind == "cidr" and l.match_ip(host)]
        return [l.name for l in self.lists if l.name not in SPECIAL and l.applies(HOST_ATTRS) and l.match_host(host)]

    def registry_suffix(self, host):
        """The host is itself a registry suffix such as co.jp (second-level-tlds)."""
        return [l.name for l in self.lists if l.name == "second-level-tlds" and host.lower() in l.strings]

    def url(self, url):
        return [l.name for l in self.lists if l.applies(URL_ATTRS) and l.kind in ("substring", "regex") and l.match_text(url)]

    def email(self, address):
        return [l.name for l in self.lists if l.applies(EMAIL_ATTRS) and l.match_text(address)]

    def hash(self, value):
        return [l.name for l in self.lists if l.applies(HASH_ATTRS) and l.match_text(value)]


def is_ip(text):
    try:
        ipaddress.ip_address(text.strip("[]"))
        return True
    except ValueError:
        return False
