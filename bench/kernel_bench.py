"""Measures kernels side by side through Debian's jupyter_client: greenlet-ts and ipykernel.

Usage: /usr/bin/python3 bench/kernel_bench.py KERNEL_NAME [ANCHOR_NAME]  -> one JSON line.
"""
import json
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

CODE = {
    "greenlet-ts": {"one": "1+1", "lines": "for (let i = 0; i < 10000; i++) console.log(`line ${i}`)"},
    "python3": {"one": "1+1", "lines": "for i in range(10000): print(f'line {i}')"},
}


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024


def measure(name, language):
    started = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=name, startup_timeout=60)
    kc.kernel_info(reply=True)
    startup = time.perf_counter() - started
    pid = km.provisioner.process.pid if getattr(km, "provisioner", None) else km.kernel.pid
    time.sleep(0.5)
    rss = rss_mb(pid)
    code = CODE[language]
    for _ in range(20):
        kc.execute_interactive(code["one"], output_hook=lambda m: None, timeout=30)
    trips = []
    for _ in range(200):
        t = time.perf_counter()
        kc.execute_interactive(code["one"], output_hook=lambda m: None, timeout=30)
        trips.append(time.perf_counter() - t)
    lines = []
    t = time.perf_counter()
    kc.execute_interactive(code["lines"], output_hook=lambda m: lines.append(m["content"].get("text", "")) if m["msg_type"] == "stream" else None, timeout=120)
    lines_time = time.perf_counter() - t
    complete = "".join(lines).count("\n") == 10000
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    trips.sort()
    return {
        "startup": startup,
        "p50_ms": statistics.median(trips) * 1000,
        "p99_ms": trips[int(len(trips) * 0.99)] * 1000,
        "lines_s": lines_time,
        "lines_complete": complete,
        "rss_mb": rss,
    }


if __name__ == "__main__":
    ours = sys.argv[1]
    result = {"ours": measure(ours, "greenlet-ts")}
    if len(sys.argv) > 2:
        try:
            result["ipykernel"] = measure(sys.argv[2], "python3")
        except Exception as error:  # the anchor is optional
            result["ipykernel_error"] = str(error)
    print(json.dumps(result))
