import type { ReceivedMessage } from "../../kernel/client/kernel-client.js";
import type { DisplayDataOutput, MimeBundle, Output } from "./nbformat.js";

/**
 * Turns a cell's IOPub messages into nbformat outputs the way Jupyter's
 * frontends and nbclient store them: consecutive stream text of one name is
 * one output, `update_display_data` rewrites the outputs carrying its
 * display_id in place (in any earlier cell too) and adds nothing, and
 * `clear_output` empties the cell (at the next output when `wait` is set).
 */
export class OutputCollector {
  /** Every output shown with a display_id, by id, across the notebook. */
  readonly #displays = new Map<string, DisplayDataOutput[]>();

  outputsOf(messages: readonly ReceivedMessage[]): Output[] {
    let outputs: Output[] = [];
    let clearPending = false;
    const add = (output: Output): void => {
      if (clearPending) {
        outputs = [];
        clearPending = false;
      }
      const last = outputs[outputs.length - 1];
      if (output.output_type === "stream" && last?.output_type === "stream" && last.name === output.name) {
        last.text = `${last.text as string}${output.text as string}`;
        return;
      }
      outputs.push(output);
    };
    for (const message of messages) {
      const content = message.content as Record<string, any>;
      switch (message.header.msg_type) {
        case "stream":
          add({ output_type: "stream", name: content.name === "stderr" ? "stderr" : "stdout", text: String(content.text ?? "") });
          break;
        case "display_data": {
          const output: DisplayDataOutput = { output_type: "display_data", data: bundle(content.data), metadata: bundle(content.metadata) };
          const id = content.transient?.display_id;
          if (typeof id === "string") {
            output.transient = { display_id: id };
            this.#displays.set(id, [...(this.#displays.get(id) ?? []), output]);
          }
          add(output);
          break;
        }
        case "update_display_data": {
          const id = content.transient?.display_id;
          for (const output of typeof id === "string" ? (this.#displays.get(id) ?? []) : []) {
            output.data = bundle(content.data);
            output.metadata = bundle(content.metadata);
          }
          break;
        }
        case "execute_result":
          add({ output_type: "execute_result", execution_count: content.execution_count ?? null, data: bundle(content.data), metadata: bundle(content.metadata) });
          break;
        case "error":
          add({ output_type: "error", ename: String(content.ename), evalue: String(content.evalue), traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [] });
          break;
        case "clear_output":
          if (content.wait) clearPending = true;
          else outputs = [];
          break;
      }
    }
    return outputs;
  }
}

function bundle(value: unknown): MimeBundle {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? { ...(value as MimeBundle) } : {};
}
