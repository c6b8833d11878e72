"""The Received cut, computed independently: walk the Received fields from the top (the receiving
mailbox) down through the receiving provider's own hops until the first hop whose sender is
outside; every name and address seen up to that point (that hop's `by` side included) belongs to
the receiving side and must never be published. The rest of the chain is the attacker's side."""
import ipaddress
import re

# Mail providers whose hops the honeypot's mailbox (and a participant on the same provider) sits
# behind: the families of host names that belong to one receiving service.
PROVIDER_FAMILIES = [
    ("outlook.com", "office365.com", "exchangelabs.com", "hotmail.com", "outlook.office365.com", "protection.outlook.com", "office.com", "microsoft.com"),
    ("google.com", "gmail.com", "googlemail.com"),
    ("protonmail.ch", "protonmail.com", "proton.me"),
]
# Address blocks of those providers' internal hops (not in the MISP lists, see their README).
PROVIDER_NETS = [ipaddress.ip_network(n) for n in ("2603:1000::/24", "2a01:111::/32", "2002:a00::/24", "40.92.0.0/15", "40.107.0.0/16", "52.100.0.0/14", "104.47.0.0/17")]

HOST = r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,251}[A-Za-z0-9])?"
IP_IN = re.compile(r"\[?(?:IPv6:)?([0-9A-Fa-f:.]{3,45}(?:%\w+)?)\]?")


def unfold(value):
    return " ".join(str(value).split())


def parts_of(received):
    """(from names, from addresses, by names, by addresses) of one Received field."""
    text = unfold(received).split(";")[0]
    m_from = re.search(r"\bfrom\s+(.*?)(?=\s+by\s+|\s+with\s+|\s+id\s+|\s+for\s+|$)", text, re.I)
    m_by = re.search(r"\bby\s+(.*?)(?=\s+with\s+|\s+id\s+|\s+via\s+|\s+for\s+|$)", text, re.I)
    return clause(m_from.group(1) if m_from else ""), clause(m_by.group(1) if m_by else "")


def clause(text):
    names, ips = [], []
    for token in re.findall(r"[^\s()\[\]]+|\[[^\]]*\]", text):
        t = token.strip("[]();,")
        if t.lower().startswith("ipv6:"):
            t = t[5:]
        if ip_of(t):
            ips.append(ip_of(t))
        elif re.fullmatch(HOST, t) and "." in t and not t.lower().startswith(("helo=", "envelope")):
            names.append(t.lower().rstrip("."))
    for t in re.findall(r"helo=([^\s)]+)", text, re.I):
        if not ip_of(t):
            names.append(t.lower())
    return names, ips


def ip_of(text):
    try:
        return str(ipaddress.ip_address(text.split("%")[0]))
    except ValueError:
        return None


def family_of(host):
    h = host.lower()
    for fam in PROVIDER_FAMILIES:
        if any(h == d or h.endswith("." + d) for d in fam):
            return fam
    labels = h.split(".")
    return (".".join(labels[-3:]) if len(labels[-1]) == 2 and len(labels) >= 3 else ".".join(labels[-2:]),)


def internal_ip(text, fam_nets=PROVIDER_NETS):
    ip = ipaddress.ip_address(text)
    if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_unspecified:
        return True
    return any(ip.version == n.version and ip in n for n in fam_nets)


def in_family(host, fam):
    h = host.lower()
    return any(h == d or h.endswith("." + d) for d in fam)


def received_cut(fields):
    """{'internal': {'names', 'ips'}, 'external': {'names', 'ips'}} of a list of Received values, top first."""
    internal_names, internal_ips, ext_names, ext_ips = set(), set(), set(), set()
    parsed = [parts_of(f) for f in fields]
    fam = None
    for (fnames, _), (bnames, _) in parsed:
        if bnames:
            fam = family_of(bnames[0])
            break
    cut = False
    for (fnames, fips), (bnames, bips) in parsed:
        if cut:
            ext_names.update(fnames + bnames)
            ext_ips.update(fips + bips)
            continue
        internal_names.update(bnames)
        internal_ips.update(bips)
        inside = (fnames or fips) and all(fam and in_family(n, fam) or n in ("localhost",) for n in fnames) and all(internal_ip(i) for i in fips)
        if not fnames and not fips:
            inside = True
        if inside:
            internal_names.update(fnames)
            internal_ips.update(fips)
        else:
            cut = True
            ext_names.update(fnames)
            ext_ips.update(fips)
    return {
        "internal": {"names": sorted(internal_names), "ips": sorted(internal_ips)},
        "external": {"names": sorted(ext_names - internal_names), "ips": sorted(ext_ips - internal_ips)},
    }
