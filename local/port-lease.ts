/**
 * Free ports for local stacks, leased across processes. A port the OS reports free stays free
 * only until someone binds it; between that moment and wrangler's bind (seconds), another test
 * process starting its own stack could be handed the same port, and one stack would then talk to
 * the other's worker. Every port handed out is recorded as a file under the temp directory
 * naming the process that took it; a port leased by a live process within the last ten minutes
 * is never handed out again.
 *
 * Leases come from below the OS's ephemeral range: a server listening on port 0 (a test's
 * webhook receiver, the fake LLM providers) or an outgoing connection is given ports from that
 * range, so a leased port waiting for wrangler cannot be taken by one of them meanwhile.
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const LEASES = join(tmpdir(), "xr2-port-leases");
const LEASE_MS = 10 * 60_000;

/** The OS's ephemeral range: Linux reports it; elsewhere Linux's default (macOS's starts higher, at 49152). */
function ephemeralRange(): { low: number; high: number } {
  let text: string;
  try {
    text = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8");
  } catch {
    return { low: 32768, high: 60999 }; // not Linux
  }
  const [low = NaN, high = NaN] = text.trim().split(/\s+/).map(Number);
  if (!(Number.isInteger(low) && Number.isInteger(high))) throw new Error(`cannot read the ephemeral port range from /proc/sys/net/ipv4/ip_local_port_range: ${JSON.stringify(text)}`);
  return { low, high };
}

/** Ports below the ephemeral range that leases need at least. */
const MIN_LEASE_PORTS = 1000;

/** Where leases are drawn from: up to 12,000 ports below the ephemeral range, above the privileged ones. */
function leaseRange(): { low: number; high: number } {
  const ephemeral = ephemeralRange();
  const high = ephemeral.low - 1;
  const low = Math.max(1025, high - 12_000);
  if (high - low + 1 < MIN_LEASE_PORTS) {
    throw new Error(
      `the OS's ephemeral ports start at ${ephemeral.low} (net.ipv4.ip_local_port_range), leaving fewer than ${MIN_LEASE_PORTS} ports below them for local stacks, ` +
        "which must not share a range with servers on port 0; raise its lower bound (e.g. sysctl -w net.ipv4.ip_local_port_range=\"32768 60999\")",
    );
  }
  return { low, high };
}

/** Whether nothing listens on `port` on 127.0.0.1 right now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.unref();
    server.on("error", () => resolveFree(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolveFree(true)));
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

/** A port below the ephemeral range that nothing listens on and no other local stack was handed recently. */
export async function freePort(): Promise<number> {
  const { low, high } = leaseRange();
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = low + Math.floor(Math.random() * (high - low + 1));
    if ((await bindable(port)) && leasePort(port)) return port;
  }
  throw new Error(`no free port found that is not leased under ${LEASES}`);
}
