import type * as zmq from "zeromq";

/**
 * Each message of `socket` until it is closed, holding none across the wait
 * for the next (a refused 64 MB message would otherwise stay alive until
 * another one comes). Used by the main thread and the control thread alike.
 */
export async function* messages(socket: zmq.Reply | zmq.Router | zmq.XPublisher): AsyncGenerator<Buffer[]> {
  for (;;) {
    let frames: Buffer[] | undefined;
    try {
      frames = await socket.receive();
    } catch (error) {
      if (socket.closed) return;
      throw error;
    }
    yield frames;
    frames = undefined;
  }
}
