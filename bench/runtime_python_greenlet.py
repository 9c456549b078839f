"""Measures Python greenlet for the runtime table of bench/README.md (the anchor).

Usage: /usr/bin/python3 bench/runtime_python_greenlet.py METRIC COUNT  -> prints one JSON line.
"""
import gc
import json
import sys
import time

import greenlet


def rss():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    import resource
    return pages * resource.getpagesize()


def switch(count):
    main = greenlet.getcurrent()

    def body():
        while True:
            main.switch()

    g = greenlet.greenlet(body)
    g.switch()
    for i in range(200_000):
        g.switch(i)
    start = time.perf_counter_ns()
    for i in range(count // 2):
        g.switch(i)
    return (time.perf_counter_ns() - start) / count


def create(count):
    def body(i):
        return i

    for i in range(20_000):
        greenlet.greenlet(body).switch(i)
    start = time.perf_counter_ns()
    for i in range(count):
        greenlet.greenlet(body).switch(i)
    return (time.perf_counter_ns() - start) / count / 1000


def suspended_rss(count):
    """RSS before, with `count` and with 2 * `count` suspended greenlets."""
    main = greenlet.getcurrent()

    def body():
        main.switch()

    keep = []

    def suspend():
        for _ in range(count):
            g = greenlet.greenlet(body)
            g.switch()
            keep.append(g)

    gc.collect()
    before = rss()
    suspend()
    gc.collect()
    first = rss()
    suspend()
    gc.collect()
    second = rss()
    assert len(keep) == 2 * count
    return first, second, before


def memory(count):
    first, second, _ = suspended_rss(count)
    return (second - first) / count


def memory_first(count):
    first, _, before = suspended_rss(count)
    return (first - before) / count


def kill(count):
    main = greenlet.getcurrent()
    exits = [0]

    def body():
        try:
            main.switch()
        except greenlet.GreenletExit:
            exits[0] += 1

    keep = []
    for _ in range(count):
        g = greenlet.greenlet(body)
        g.switch()
        keep.append(g)
    g = None
    start = time.perf_counter_ns()
    del keep  # reference counting kills each greenlet right here
    elapsed = time.perf_counter_ns() - start
    if exits[0] != count:
        raise SystemExit(f"killed {exits[0]} of {count}")
    return elapsed / count / 1000


if __name__ == "__main__":
    metric, count = sys.argv[1], int(sys.argv[2])
    value = {"switch": switch, "create": create, "memory": memory, "memory-first": memory_first, "kill": kill}[metric](count)
    print(json.dumps({"metric": metric, "value": value}))
