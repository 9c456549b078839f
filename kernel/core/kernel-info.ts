import { createRequire } from "node:module";
import { PROTOCOL_VERSION, type KernelInfoReply } from "../protocol/messages.js";

const require = createRequire(import.meta.url);

/** The kernel_info_reply, computed once: shell (on the main thread) and control (on its own) answer with the same. */
export function kernelInfo(): KernelInfoReply {
  const version = (require("../../../package.json") as { version: string }).version;
  const typescript = (require("typescript/package.json") as { version: string }).version;
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "greenlet-ts",
    implementation_version: version,
    language_info: {
      name: "typescript",
      version: typescript,
      mimetype: "text/typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      // A mode name, as Deno's kernel sends: clients built on the Rust jupyter-protocol crate (runtimed,
      // Zed) read only a string or { name, version }, and could not read the object form
      // { name: "javascript", typescript: true }. The classic Notebook and JupyterLab look the name up
      // in CodeMirror's mode list, where "typescript" is the JavaScript mode with TypeScript on.
      codemirror_mode: "typescript",
    },
    banner: `greenlet-ts ${version}: TypeScript cells on greenlets (node ${process.version})`,
    help_links: [{ text: "greenlet-ts", url: "https://www.npmjs.com/package/greenlet-ts" }],
    debugger: true,
  };
}
