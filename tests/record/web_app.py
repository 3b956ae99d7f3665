"""A web-handler-like program for calibrating `gcsim gen --model app`:
imports a few stdlib modules, then serves requests that parse a query
into dicts and lists, build a user object and a response, keep some
results in a bounded cache and sometimes leave a reference cycle."""
import collections
import json
import re
import urllib.parse

ROUTE = re.compile(r"/api/(\w+)/(\d+)")
CACHE = collections.OrderedDict()


class User:
    def __init__(self, name, uid, roles):
        self.name = name
        self.uid = uid
        self.roles = roles


class Context:
    def __init__(self, req, user):
        self.req = req
        self.user = user


def handle(n):
    path = "/api/items/%d?page=%d&q=w%d" % (n, n % 7, n % 13)
    url = urllib.parse.urlsplit(path)
    req = {"path": url.path, "query": urllib.parse.parse_qs(url.query),
           "headers": {"accept": "text/html", "agent": "ua/%d" % (n % 100)}}
    m = ROUTE.match(url.path)
    user = User("user %d" % n, n, ["read", "write"][: 1 + n % 2])
    items = [{"id": i + n, "qty": i % 5, "price": i * 1.25} for i in range(n % 8 + 2)]
    if n % 10 == 0:
        ctx = Context(req, user)
        req["ctx"] = ctx          # a cycle, garbage on return
    body = json.dumps({"route": m.groups() if m else None, "items": items})
    result = (200, body, len(items))
    if n % 4 == 0:
        CACHE[n] = (user, result)
        if len(CACHE) > 20000:
            CACHE.popitem(last=False)
    return result


for n in range(60000):
    handle(n)
