"""Links of an HTML body as a careful reader would list them, with the standard library's
html.parser: link attributes (href, src, action, background, poster, srcset, cite, formaction),
meta refresh, URL-bearing attributes of any name (title, data-*, style url()), <style> sheets,
text, and comments (Outlook conditional comments with VML are parsed as HTML again)."""
import html
import re
from html.parser import HTMLParser

URL_RE = re.compile(r"(?:https?|ftps?)://[^\s<>\"'`\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+|\bwww\.[A-Za-z0-9-]+\.[^\s<>\"'`\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+", re.I)
CSS_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.I | re.S)
LINK_ATTRS = {"href", "src", "action", "background", "poster", "cite", "formaction", "lowsrc", "dynsrc", "longdesc", "data", "codebase"}
SKIP_ATTRS = {"xmlns", "xmlns:v", "xmlns:o", "xmlns:w", "xmlns:m", "itemtype", "itemprop"}
TRAILING = ".,;:!?)]}'\"\u3001\u3002>"


def clean_link(value):
    """A link attribute as a browser reads it: entities decoded, outer space dropped, tabs and line
    breaks removed, inner spaces percent-encoded."""
    v = html.unescape(value).strip()
    v = re.sub(r"[\t\r\n]", "", v)
    return v.replace(" ", "%20")


def urls_in_text(text):
    out = []
    for m in URL_RE.finditer(html.unescape(text)):
        u = m.group(0)
        while u and u[-1] in TRAILING:
            if u[-1] == ")" and u.count("(") >= u.count(")"):
                break
            u = u[:-1]
        if ")" in u and "(" not in u:  # a URL inside url(...) or (…) ends at the closing bracket
            u = u[: u.index(")")]
        out.append(u if not u.lower().startswith("www.") else "http://" + u)
    return out


def outside_css_urls(text):
    return CSS_URL.sub(" ", text)


def absolute(url):
    return re.match(r"(?:https?|ftps?)://[^/?#\s]", url, re.I) is not None


class LinkParser(HTMLParser):
    def __init__(self, depth=0):
        super().__init__(convert_charrefs=True)
        self.urls = []
        self.depth = depth
        self.in_style = False

    def add(self, url):
        if absolute(url):
            self.urls.append(url)
        elif url.startswith("//") and len(url) > 2:
            self.urls.append(url)  # scheme-relative: compared with http and https

    def handle_starttag(self, tag, attrs):
        self.in_style = tag == "style"
        for name, value in attrs:
            if value is None or name in SKIP_ATTRS or name.startswith("xmlns"):
                continue
            name = name.lower()
            if name in LINK_ATTRS:
                self.add(clean_link(value))
            elif name == "srcset":
                for candidate in value.split(","):
                    parts = candidate.strip().split()
                    if parts:
                        self.add(clean_link(parts[0]))
            elif name == "content" and tag == "meta" and re.search(r"url\s*=", value, re.I):
                self.add(clean_link(re.split(r"url\s*=", value, flags=re.I)[1].strip("'\" ")))
            else:
                for m in CSS_URL.finditer(value):
                    self.add(clean_link(m.group(2)))
                self.urls.extend(urls_in_text(outside_css_urls(value)))

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            for m in CSS_URL.finditer(data):
                self.add(clean_link(m.group(2)))
            data = outside_css_urls(data)
        self.urls.extend(urls_in_text(data))

    def handle_comment(self, data):
        if self.depth < 3:
            inner = re.sub(r"^\[if[^\]]*\]>|<!\[endif\]$", "", data.strip())
            self.urls.extend(html_urls(inner, self.depth + 1))


def html_urls(text, depth=0):
    p = LinkParser(depth)
    try:
        p.feed(text)
        p.close()
    except Exception:  # a broken document still gives the links found so far
        pass
    return p.urls
