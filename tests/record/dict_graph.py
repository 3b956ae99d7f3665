"""Dict graphs with random edges (cycles), doubly linked lists and a
growing index."""
import random

rng = random.Random(7)
index = []
for round in range(40):
    nodes = [{"n": i} for i in range(300)]
    for d in nodes:
        d["out"] = [rng.choice(nodes) for _ in range(3)]
    head = None
    for i in range(200):
        cell = {"prev": head, "next": None, "v": i}
        if head is not None:
            head["next"] = cell
        head = cell
    if round % 5 == 0:
        index.append(nodes[0])
    del nodes, head, cell
print(len(index))
