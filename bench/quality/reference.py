"""Reference extraction for `npm run quality`, independent of the product: Python's email package,
html.parser and our own reading of the MISP warning lists and of the Received chain.

stdin:  {"warninglists": dir, "participantDomains": [...], "mails": [{"id", "file", "form"}],
         "published": [{"type", "value"}]}
stdout: {"mails": {id: {"senders", "urls", "received"}}, "classified": [{"type", "value", "category"}]}
"""
import json
import sys
from urllib.parse import urlsplit

from ref_classify import classify
from ref_mail import body_urls, parse, sender_domains
from ref_received import received_cut
from ref_warninglists import WarningLists, is_ip


def under(host, domains):
    return any(host == d or host.endswith("." + d) for d in domains)


def url_record(url, wl):
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    try:
        host = host.encode("idna").decode("ascii") if any(ord(c) > 127 for c in host) else host.lower()
    except Exception:
        return None
    return {
        "url": url,
        "host": host,
        "hostLists": wl.host(host),
        "urlLists": wl.url(url),
        "hasPath": parts.path not in ("", "/") or bool(parts.query),
        "validSuffix": is_ip(host) or wl.has_public_suffix(host),
    }


def mail_record(item, wl, participant):
    with open(item["file"], "rb") as fh:
        msg = parse(fh.read())
    senders = []
    for domain, fields in sender_domains(msg, item["form"]).items():
        senders.append({
            "domain": domain,
            "fields": fields,
            "lists": wl.host(domain) + wl.email("x@" + domain),
            "participant": under(domain, participant),
            "validSuffix": wl.has_public_suffix(domain),
        })
    urls = [r for r in (url_record(u, wl) for u in body_urls(msg)) if r]
    return {"senders": senders, "urls": urls, "received": received_cut(msg.get_all("Received", []) or [])}


def main():
    req = json.load(sys.stdin)
    wl = WarningLists(req["warninglists"])
    participant = [d.lower() for d in req.get("participantDomains", [])]
    mails = {}
    for item in req["mails"]:
        try:
            mails[item["id"]] = mail_record(item, wl, participant)
        except Exception as err:  # one unreadable mail is reported, not fatal
            mails[item["id"]] = {"error": repr(err), "senders": [], "urls": [], "received": {"internal": {"names": [], "ips": []}, "external": {"names": [], "ips": []}}}
    internal = {"names": set(), "ips": set()}
    for m in mails.values():
        internal["names"].update(m["received"]["internal"]["names"])
        internal["ips"].update(m["received"]["internal"]["ips"])
    classified = [classify(p["type"], p["value"], wl, internal) for p in req.get("published", [])]
    json.dump({"mails": mails, "classified": classified}, sys.stdout)


if __name__ == "__main__":
    main()
