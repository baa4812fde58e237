import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, LEASES } from "./port-lease.ts";

const RANGE_FILE = "/proc/sys/net/ipv4/ip_local_port_range";

/** The port the OS gives a server listening on port 0 (released at once). */
function portZero(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** leasePort(port) as another process would answer it. */
function leaseElsewhere(port: number): boolean {
  const other = spawnSync(process.execPath, ["--import", "tsx", "-e", `import("./local/port-lease.ts").then(({ leasePort }) => console.log(leasePort(${port})))`], { encoding: "utf8" });
  expect(other.status, other.stderr).toBe(0);
  return JSON.parse(other.stdout.trim()) as boolean;
}

describe("port leases", () => {
  it("hands out distinct ports", async () => {
    const ports = await Promise.all(Array.from({ length: 40 }, () => freePort()));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it("hands out ports below the OS's ephemeral range, which a server on port 0 is never given", async () => {
    const leased = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    // The range as the OS states it (Linux), and as it behaves: the lowest of 20 ports it gives servers on port 0.
    const stated = existsSync(RANGE_FILE) ? Number(readFileSync(RANGE_FILE, "utf8").trim().split(/\s+/)[0]) : Infinity;
    const given = Math.min(...(await Promise.all(Array.from({ length: 20 }, () => portZero()))));
    for (const port of leased) {
      expect(port).toBeGreaterThan(1024);
      expect(port).toBeLessThan(Math.min(stated, given));
    }
  });

  it("keeps a port this live process leased from any other process", async () => {
    const port = await freePort();
    expect(leaseElsewhere(port)).toBe(false);
  });

  it("gives another process a port whose holder has exited", async () => {
    const port = await freePort();
    // A process that is gone: the lease file names a pid that no longer runs.
    const gone = spawnSync(process.execPath, ["-e", "console.log(process.pid)"], { encoding: "utf8" });
    writeFileSync(join(LEASES, String(port)), gone.stdout.trim());
    expect(leaseElsewhere(port)).toBe(true);
  });
});
