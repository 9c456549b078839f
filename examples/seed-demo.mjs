// The first session of greenlet's "Garbage Collection and greenlets" page,
// run with greenlet-ts: a greenlet looping forever ends when its last
// reference goes away and collect() runs.
import { collect, getcurrent, greenlet, GreenletExit } from "greenlet-ts";

async function run() {
  console.log("Beginning greenlet");
  try {
    for (;;) {
      console.log("Switching to parent");
      await getcurrent().parent.switch();
    }
  } catch (error) {
    if (!(error instanceof GreenletExit)) throw error;
    console.log("Got GreenletExit; quitting");
  }
}

let glet = greenlet(run);
await glet.switch();
glet = null;
const stats = await collect();
console.log(`collect(): ${JSON.stringify(stats)}`);
