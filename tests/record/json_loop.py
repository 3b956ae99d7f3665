"""A JSON loop: parse and write a document of records, keeping a cache."""
import json

records = [{"id": i, "name": "item%d" % i, "tags": ["a", "b", str(i % 7)],
            "pos": {"x": i * 0.5, "y": -i}} for i in range(2000)]
doc = json.dumps(records)
cache = {}
for round in range(25):
    data = json.loads(doc)
    for r in data[::50]:
        cache[(round, r["id"])] = r
    out = json.dumps(data)
    if len(cache) > 300:
        cache.clear()
print(len(out), len(cache))
