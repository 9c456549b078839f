import { readFileSync, statSync } from "node:fs";

/** A Jupyter connection file: where to bind, and the key to sign with. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** Reads and checks a connection file; every problem names the file and the field. */
export function readConnectionFile(file: string, warn: (message: string) => void): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    // Not JSON.parse's message: V8 quotes the text around the error, which may be the key.
    const why = error instanceof SyntaxError ? "not valid JSON" : (error as Error).message;
    throw new Error(`${file}: cannot read the connection file: ${why}`);
  }
  if (raw === null || typeof raw !== "object") throw new Error(`${file}: not a JSON object`);
  const info = raw as Record<string, unknown>;
  for (const field of ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"]) {
    const port = info[field];
    if (!Number.isInteger(port) || (port as number) < 1 || (port as number) > 65535) throw new Error(`${file}: "${field}" must be a port number`);
  }
  if (typeof info.ip !== "string") throw new Error(`${file}: "ip" must be a string`);
  const transport = info.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") throw new Error(`${file}: "transport" must be tcp or ipc`);
  // A key of another type is an error, not an empty key: a typo must not turn signing off.
  if (info.key !== undefined && typeof info.key !== "string") throw new Error(`${file}: "key" must be a string`);
  const key = (info.key as string | undefined) ?? "";
  if (key === "") warn(`${file}: the key is empty: messages are not signed`);
  try {
    if ((statSync(file).mode & 0o077) !== 0) warn(`${file}: the connection file can be read by other users`);
  } catch {
    // already read above
  }
  return { ...(info as unknown as ConnectionInfo), transport, key, signature_scheme: typeof info.signature_scheme === "string" ? info.signature_scheme : "hmac-sha256" };
}

export function endpoint(info: ConnectionInfo, port: number): string {
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
