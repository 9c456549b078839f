"""Measures kernels side by side through Debian's jupyter_client: greenlet-ts, ipykernel and Deno.

Usage: /usr/bin/python3 bench/kernel_bench.py [--cells N] LABEL=KERNEL_NAME:LANGUAGE ...  -> one JSON line
       (LANGUAGE: greenlet-ts, deno or python; a kernel that fails is reported as {"error": ...}, not raised).

For each kernel, in this order:
- start-up: start_new_kernel() (which waits for a kernel_info_reply) and one more kernel_info;
- RSS of the kernel process half a second after start-up, and half a second after a first `1+1` cell;
- `1+1` round trips: 20 warm-up, 200 timed;
- 10,000 printed lines: when the idle status came, when the last line came, and how many came after
  idle (Deno delivers most of them after idle; execute_interactive() would stop at idle and miss them);
- growth: RSS after 500 more small cells (all different: `N + 1`), then after N more (default 2,500),
  each half a second after the last cell; growth per 1,000 cells is the difference over N. V8 lets
  garbage pile up in its old generation until a major collection (in a greenlet-ts kernel RSS rises
  over several thousand small cells until V8's first major collection), so this figure is mostly
  V8's collection schedule; hence also
- retained growth: a full collection in the kernel (greenlet-ts: `await collect()`, ipykernel:
  `gc.collect()`; Deno has none), RSS, N/2 more cells, a full collection, RSS: what the cells keep.
"""
import json
import queue
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

TS = {"one": "1+1", "lines": "for (let i = 0; i < 10000; i++) console.log(`line ${i}`)", "small": "{i} + 1"}
CODE = {
    # collect() is the runtime's: a full gc() of the kernel's main thread (and greenlets' deaths).
    "greenlet-ts": {**TS, "collect": "await collect()"},
    # Deno's kernel exposes no way to force a collection.
    "deno": {**TS, "collect": None},
    "python": {"one": "1+1", "lines": "for i in range(10000): print(f'line {i}')", "small": "{i} + 1", "collect": "import gc; gc.collect()"},
}
LINES = 10000


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def quiet(kc, code):
    kc.execute_interactive(code, output_hook=lambda m: None, timeout=60)


def collected_rss(kc, collect, pid):
    """RSS after full collections: twice, a second apart (V8 gives freed pages back to the system lazily)."""
    for _ in range(2):
        quiet(kc, collect)
        time.sleep(1)
    return rss_mb(pid)


def lines_run(kc, code):
    """Runs the printing cell; returns when idle has come and every line too (or 10 s after idle)."""
    msg_id = kc.execute(code)
    started = time.perf_counter()
    idle_at = None
    last_line_at = None
    count = 0
    before_idle = 0
    text = []
    while True:
        timeout = 120 if idle_at is None else max(0.0, idle_at + 10 - time.perf_counter())
        try:
            msg = kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            break
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        now = time.perf_counter() - started
        if msg["msg_type"] == "stream":
            n = msg["content"]["text"].count("\n")
            text.append(msg["content"]["text"])
            count += n
            if idle_at is None:
                before_idle += n
            if count >= LINES:
                last_line_at = now
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            idle_at = now
        if idle_at is not None and count >= LINES:
            break
    kc.get_shell_msg(timeout=30)
    expected = "".join(f"line {i}\n" for i in range(LINES))
    return {
        "lines_idle_s": idle_at,
        "lines_last_s": last_line_at,
        # None when some never came (Deno's IOPub, one message a line, can drop lines past ZeroMQ's high-water mark).
        "lines_s": max(idle_at or 0, last_line_at) if last_line_at is not None else None,
        "lines_received": count,
        "lines_after_idle": count - before_idle,
        "lines_complete": "".join(text) == expected,
    }


def measure(name, language, cells):
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=name, startup_timeout=60)
    try:
        kc.kernel_info(reply=True)
        startup = time.perf_counter() - started
        pid = km.provisioner.process.pid if getattr(km, "provisioner", None) else km.kernel.pid
        time.sleep(0.5)
        rss_start = rss_mb(pid)
        code = CODE[language]
        quiet(kc, code["one"])
        time.sleep(0.5)
        rss_first = rss_mb(pid)
        for _ in range(20):
            quiet(kc, code["one"])
        trips = []
        for _ in range(200):
            t = time.perf_counter()
            quiet(kc, code["one"])
            trips.append(time.perf_counter() - t)
        lines = lines_run(kc, code["lines"])
        result = {"startup": startup, "rss_start_mb": rss_start, "rss_first_mb": rss_first}
        trips.sort()
        result["p50_ms"] = statistics.median(trips) * 1000
        result["p99_ms"] = trips[int(len(trips) * 0.99)] * 1000
        result.update(lines)
        if cells > 0:
            for i in range(500):
                quiet(kc, code["small"].format(i=i))
            time.sleep(0.5)
            before = rss_mb(pid)
            t = time.perf_counter()
            for i in range(500, 500 + cells):
                quiet(kc, code["small"].format(i=i))
            result["cell_ms"] = (time.perf_counter() - t) / cells * 1000
            time.sleep(0.5)
            after = rss_mb(pid)
            result["growth_cells"] = cells
            result["rss_before_growth_mb"] = before
            result["rss_after_growth_mb"] = after
            result["growth_mb_per_1000"] = (after - before) / cells * 1000
            if code["collect"] is not None:
                more = max(1, cells // 2)
                before = collected_rss(kc, code["collect"], pid)
                for i in range(500 + cells, 500 + cells + more):
                    quiet(kc, code["small"].format(i=i))
                after = collected_rss(kc, code["collect"], pid)
                result["retained_cells"] = more
                result["retained_mb_per_1000"] = (after - before) / more * 1000
        return result
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    argv = sys.argv[1:]
    cells = 2500
    if argv and argv[0] == "--cells":
        cells = int(argv[1])
        argv = argv[2:]
    results = {}
    for spec in argv:
        label, rest = spec.split("=", 1)
        name, language = rest.split(":", 1)
        try:
            results[label] = measure(name, language, cells)
        except Exception as error:  # an anchor may be missing or broken: its rows say so
            results[label] = {"error": f"{type(error).__name__}: {error}"}
    print(json.dumps(results))
