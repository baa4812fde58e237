/**
 * Free ports for local stacks, leased across processes. A port the OS reports free stays free
 * only until someone binds it; between that moment and wrangler's bind (seconds), another test
 * process starting its own stack could be handed the same port, and one stack would then talk to
 * the other's worker. Every port handed out is recorded as a file under the temp directory
 * naming the process that took it; a port leased by a live process within the last ten minutes
 * is never handed out again.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const LEASES = join(tmpdir(), "xr2-port-leases");
const LEASE_MS = 10 * 60_000;

function osFreePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolvePort(address.port) : reject(new Error("no port"))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Records `port` as this process's; false when a live process leased it in the last ten minutes. */
export function leasePort(port: number): boolean {
  mkdirSync(LEASES, { recursive: true });
  const file = join(LEASES, String(port));
  try {
    writeFileSync(file, String(process.pid), { flag: "wx" });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  try {
    const holder = Number(readFileSync(file, "utf8"));
    if (alive(holder) && Date.now() - statSync(file).mtimeMs < LEASE_MS) return false;
    writeFileSync(file, String(process.pid));
    return true;
  } catch {
    return false; // another process is replacing the same stale lease right now
  }
}

/** A port nothing listens on and no other local stack was handed recently. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = await osFreePort();
    if (leasePort(port)) return port;
  }
  throw new Error(`no free port found that is not leased under ${LEASES}`);
}
