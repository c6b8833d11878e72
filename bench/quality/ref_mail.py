"""What a careful reader lists from one original mail, with the standard library's email package:
sender domains (From, Sender, Reply-To, Return-Path) and the URLs of its text and HTML body parts."""
import email
import email.policy
import email.utils
import re
from email.header import decode_header, make_header

from ref_html import html_urls, urls_in_text

SENDER_FIELDS = ("from", "sender", "reply-to", "return-path")
# An inline forward carries only the header block the mail client writes (From, To, Subject, Date).
INLINE_SENDER_FIELDS = ("from",)


def header_text(msg, name):
    out = []
    for raw in msg.get_all(name, []) or []:
        try:
            out.append(str(make_header(decode_header(str(raw)))))
        except Exception:
            out.append(str(raw))
    return out


def domain_of(address):
    address = address.strip().strip("<>").strip()
    if "@" not in address:
        return None
    d = address.rsplit("@", 1)[1].strip().strip(">").rstrip(".").lower()
    try:
        d = d.encode("idna").decode("ascii") if any(ord(c) > 127 for c in d) else d
    except Exception:
        return None
    return d if re.fullmatch(r"[a-z0-9_-]+(?:\.[a-z0-9_-]+)+", d) else None


def sender_domains(msg, form):
    fields = INLINE_SENDER_FIELDS if form == "inline" else SENDER_FIELDS
    out = {}
    for name in fields:
        values = header_text(msg, name)
        for _, addr in email.utils.getaddresses(values):
            d = domain_of(addr)
            if d:
                out.setdefault(d, []).append(name)
        if not values:
            continue
        # getaddresses gives up on odd quoting; a plain scan of the value finds those addresses too.
        for v in values:
            for m in re.finditer(r"[^\s<>\"'(),;:]+@([A-Za-z0-9.-]+\.[A-Za-z]{2,})", v):
                d = domain_of("x@" + m.group(1))
                if d:
                    out.setdefault(d, []).append(name)
    return {d: sorted(set(f)) for d, f in out.items()}


def body_parts(msg):
    """Text and HTML body parts, not attachments, not inside attached messages."""
    if msg.is_multipart():
        for sub in msg.get_payload():
            if sub.get_content_type() == "message/rfc822":
                continue
            yield from body_parts(sub)
        return
    if msg.get_content_maintype() != "text" or msg.get_content_subtype() not in ("plain", "html"):
        return
    disposition = (msg.get("Content-Disposition") or "").lower()
    if disposition.startswith("attachment"):
        return
    payload = msg.get_payload(decode=True) or b""
    charset = msg.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:
        text = payload.decode("utf-8", errors="replace")
    yield msg.get_content_subtype(), text


def body_urls(msg):
    urls = []
    for kind, text in body_parts(msg):
        urls.extend(html_urls(text) if kind == "html" else urls_in_text(text))
    seen, out = set(), []
    for u in urls:
        if u not in seen:
            seen.add(u)
            out.append(u)
    return out


def parse(raw):
    return email.message_from_bytes(raw, policy=email.policy.compat32)
