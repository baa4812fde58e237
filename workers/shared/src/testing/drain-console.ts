/**
 * Setup file of the worker test projects. Vitest relays each console line of a test file to its
 * main process over RPC and waits for the acknowledgement; a line logged near the end of a file
 * (a request log, a waitUntil's warning) can still be in flight when the file's worker closes,
 * and vitest then fails a green run with "Closing rpc while onUserConsoleLog was pending"
 * (vitest-dev/vitest#11153, open for 4.x). Giving the relay a moment after the file's last test
 * lets those acknowledgements arrive; nothing is logged after it.
 */
import { afterAll } from "vitest";

const RELAY_DRAIN_MS = 200;

afterAll(async () => {
  await new Promise((resolve) => setTimeout(resolve, RELAY_DRAIN_MS));
});
