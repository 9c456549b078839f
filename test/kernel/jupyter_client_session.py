"""Drives the installed greenlet-ts kernelspec with Debian's jupyter_client and prints JSON results.

Usage: /usr/bin/python3 jupyter_client_session.py KERNEL_NAME
"""
import json
import sys
import threading
import time

from jupyter_client.manager import start_new_kernel


def main(kernel_name):
    results = {}
    started = time.time()
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
    results["startup_seconds"] = time.time() - started
    results["kernel_info"] = kc.kernel_info(reply=True)["content"]

    def run(code, **kwargs):
        outputs = []
        reply = kc.execute_interactive(code, output_hook=lambda m: outputs.append({"type": m["msg_type"], "content": m["content"]}), timeout=30, **kwargs)
        return {"reply": reply["content"], "outputs": [o for o in outputs if o["type"] != "status"]}

    results["cells"] = [
        run("1+1"),
        run("console.log('hi'); console.error('err'); 'x'"),
        run("null.x"),
        run("display.html('<b>bold</b>'); const h = display('0%', { id: 'p' }); h!.update('100%')"),
        run("let glet: Greenlet | null = greenlet(async () => { try { for (;;) await getcurrent().parent!.switch() } catch (e) { console.log('Got GreenletExit; quitting') } }); await glet.switch()"),
        run("glet = null;"),
    ]
    # Interrupt a spinning cell with interrupt_request on the control channel.
    threading.Timer(0.7, km.interrupt_kernel).start()
    results["interrupted"] = run("while (true) {}")
    results["after_interrupt"] = run("1 + 1")
    results["input"] = run("const name = await input('Name? '); `hello ${name}`", allow_stdin=True, stdin_hook=lambda m: (results.__setitem__("prompt", m["content"]), kc.input("Ada")))
    results["no_stdin"] = run("await input('x')", allow_stdin=False)
    results["user_expressions"] = run("const z = 20", user_expressions={"double": "z * 2", "bad": "nope()"})
    # silent=True (with jupyter_client's default store_history=True): not counted, not in the history.
    results["silent"] = kc.execute("'quiet'", silent=True, reply=True, timeout=30)["content"]
    # A second client: the first message on its IOPub is the kernel's iopub_welcome (JEP 65).
    second = km.client()
    second.start_channels()
    # The statuses of a request the first client made may be published while the second subscribes: they are skipped.
    welcome = second.get_iopub_msg(timeout=10)
    for _ in range(20):
        if welcome["msg_type"] == "iopub_welcome":
            break
        welcome = second.get_iopub_msg(timeout=10)
    results["welcome"] = {"msg_type": welcome["msg_type"], "parent_header": welcome["parent_header"], "content": welcome["content"]}
    second.stop_channels()
    results["complete"] = kc.complete("getcur", reply=True)["content"]
    msg_id = kc.is_complete("function f() {")
    results["is_complete"] = kc.get_shell_msg(timeout=10)["content"]
    kc.is_complete("let 1x = 3;")
    results["is_invalid"] = kc.get_shell_msg(timeout=10)["content"]
    results["history"] = kc.history(hist_access_type="tail", n=3, reply=True)["content"]["history"]
    kc.stop_channels()
    km.shutdown_kernel(now=False)
    results["alive_after_shutdown"] = km.is_alive()
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1])
