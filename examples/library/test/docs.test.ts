// vitest: the same examples, as vitest tests.
import { doctest } from "greenlet-ts/vitest";

doctest();
