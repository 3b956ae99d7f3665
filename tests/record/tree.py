"""Class-based trees with parent pointers: each one a cycle, built and
dropped."""
class Node:
    def __init__(self, parent):
        self.parent = parent
        self.children = []

def build(parent, depth):
    n = Node(parent)
    if depth:
        for _ in range(3):
            n.children.append(build(n, depth - 1))
    return n

def walk(n):
    c = 1
    for ch in n.children:
        c += walk(ch)
    return c

total = 0
for i in range(30):
    t = build(None, 6)
    total += walk(t)
    del t
print(total)
