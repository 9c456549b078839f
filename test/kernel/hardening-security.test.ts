import { randomUUID } from "node:crypto";
import { HardenedKernel } from "../helpers/kernel-hardening.js";

// What the kernel logs, where it listens, and what it says about a
// connection file that is not safe.

const WARN_READABLE = "can be read by other users";
const WARN_UNSIGNED = "messages are not signed";

describe("security", () => {
  test("the key is never logged: not for bad traffic, not for a connection file that is not JSON", async () => {
    const kernel = new HardenedKernel();
    await kernel.start();
    try {
      // Refusals of every kind log their reason, never the key or the signature.
      const good = kernel.frames("execute_request", { code: "1" });
      await kernel.send("shell", ["<IDS|MSG>", "f".repeat(64), ...good.frames.slice(2)]);
      await kernel.send("control", [kernel.key]);
      await kernel.send("stdin", ["<IDS|MSG>", kernel.key]);
      await kernel.send("shell", good.frames);
      await kernel.send("shell", good.frames);
      await kernel.send("shell", kernel.frames("no_such_request", {}).frames);
      await kernel.iopubFor(good.id);
      await kernel.shutdown();
      expect(kernel.logLines().filter((l) => l.includes("rejected a message"))).toHaveLength(5);
      expect(kernel.stderr).not.toContain(kernel.key);
      expect(kernel.stderr).not.toContain(kernel.key.slice(0, 8));
    } finally {
      await kernel.close();
    }

    // A hand-edited file with the key unquoted: V8's JSON error quotes the text around the error.
    const broken = new HardenedKernel({ key: `secret-${randomUUID()}` });
    await broken.start((info) => `{"key": ${broken.key}, ${JSON.stringify({ ...info, key: undefined }).slice(1)}`);
    try {
      const exit = await broken.exited;
      expect(exit.code).not.toBe(0);
      expect(broken.stderr).toContain("cannot read the connection file: not valid JSON");
      expect(broken.stderr).not.toContain(broken.key.slice(0, 10));
    } finally {
      await broken.close();
    }

    // A key that is not a string is an error, not an empty key (which would turn signing off).
    const numeric = new HardenedKernel();
    await numeric.start((info) => JSON.stringify({ ...info, key: 12345678 }));
    try {
      expect((await numeric.exited).code).not.toBe(0);
      expect(numeric.stderr).toContain('"key" must be a string');
      expect(numeric.stderr).not.toContain("12345678");
    } finally {
      await numeric.close();
    }
  }, 60000);

  test("a connection file other users can read draws a warning; a private one does not", async () => {
    const open = new HardenedKernel({ fileMode: 0o644 });
    await open.start();
    try {
      expect(open.stderr).toContain(WARN_READABLE);
      expect(HardenedKernel.result((await open.execute("'runs anyway'")).iopub)).toBe("'runs anyway'");
    } finally {
      await open.close();
    }
    const private_ = new HardenedKernel({ fileMode: 0o600 });
    await private_.start();
    try {
      await private_.execute("1");
      expect(private_.stderr).not.toContain(WARN_READABLE);
      expect(private_.stderr).not.toContain(WARN_UNSIGNED);
    } finally {
      await private_.close();
    }
  }, 60000);

  test("the kernel listens on the address of the connection file and nowhere else", async () => {
    // Another loopback address than the usual one: whatever the kernel binds, it took from the file.
    const kernel = new HardenedKernel({ ip: "127.0.0.2" });
    await kernel.start();
    try {
      // Both threads' sockets are up once control and heartbeat answer.
      await kernel.request("kernel_info_request", {}, "control");
      await kernel.ping();
      const expected = Object.values(kernel.ports)
        .map((port) => `127.0.0.2:${port}`)
        .sort();
      expect(kernel.listening()).toEqual(expected);
    } finally {
      await kernel.close();
    }
  }, 60000);

  test("an empty key draws a warning that messages are not signed; the kernel works unsigned", async () => {
    const kernel = new HardenedKernel({ key: "" });
    await kernel.start();
    try {
      expect(kernel.stderr).toContain(WARN_UNSIGNED);
      const { reply, iopub } = await kernel.execute("'unsigned'");
      expect(reply.content.status).toBe("ok");
      expect(HardenedKernel.result(iopub)).toBe("'unsigned'");
      expect(kernel.badSignatures).toBe(0);
    } finally {
      await kernel.close();
    }
  }, 60000);
});
