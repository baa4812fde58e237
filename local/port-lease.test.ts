import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ephemeralRange, freePort, LEASES } from "./port-lease.ts";

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
    const { low } = ephemeralRange();
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) {
      expect(port).toBeLessThan(low);
      expect(port).toBeGreaterThan(1024);
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
