// node's own test runner: `node --test test/docs.node.mjs`.
import { doctest } from "greenlet-ts/node-test";

doctest();
