import * as zmq from "zeromq";
import { KernelClient } from "../../dist/kernel/client/kernel-client.js";
import { loopbackConnection as connection } from "../../dist/kernel/client/launch.js";
import { MessageFactory } from "../../dist/kernel/protocol/factory.js";
import { Wire } from "../../dist/kernel/protocol/wire.js";

// The product's client (kernel/client/kernel-client.ts, which the notebook
// runner uses) against a fake kernel: a ROUTER socket on the shell port that
// answers with the kernel's own message factory, or nobody at all.

describe("the kernel client", () => {
  test("a request is answered by its reply, matched by parent; one that gets no reply is rejected after its timeout", async () => {
    const info = await connection();
    const shell = new zmq.Router();
    await shell.bind(`tcp://127.0.0.1:${info.shell_port}`);
    const kernel = new MessageFactory(new Wire(info.key, info.signature_scheme));
    const client = new KernelClient(info);
    try {
      const answered = client.request("is_complete_request", { code: "if (x) {" });
      const request = new Wire(info.key, info.signature_scheme).parse(await shell.receive());
      expect(request.header.msg_type).toBe("is_complete_request");
      await shell.send(kernel.reply(request as never, { status: "incomplete", indent: "  " }));
      expect((await answered).content).toEqual({ status: "incomplete", indent: "  " });
      await expect(client.request("kernel_info_request", {}, "shell", 100)).rejects.toThrow("no kernel_info_reply from the kernel within 100 ms");
    } finally {
      client.close();
      shell.close();
    }
  });

  test("close() rejects the requests still waiting; a request nobody waits for does not become an unhandled rejection", async () => {
    const client = new KernelClient(await connection());
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const waiting = client.request("kernel_info_request", {});
      void client.interrupt();
      client.close();
      await expect(waiting).rejects.toThrow("the kernel client was closed");
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});
