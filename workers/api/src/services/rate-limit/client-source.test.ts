import { describe, expect, it } from "vitest";
import { clientSource, widerClientSource } from "./client-source.ts";

describe("clientSource", () => {
  it("keeps an IPv4 address, also inside an IPv4-mapped IPv6 one", () => {
    expect(clientSource("203.0.113.7")).toBe("203.0.113.7");
    expect(clientSource("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientSource("::FFFF:203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts an IPv6 address by its /64, however it is written", () => {
    expect(clientSource("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(clientSource("2001:0DB8:0001:0002::9")).toBe("2001:db8:1:2::/64");
    expect(clientSource("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientSource("::1")).toBe("0:0:0:0::/64");
    expect(clientSource("::")).toBe("0:0:0:0::/64");
    expect(clientSource("2001:db8:1:2::")).toBe("2001:db8:1:2::/64");
  });

  it("reads a dotted quad at the end of any other IPv6 address as part of that address, not as IPv4", () => {
    // NAT64 (64:ff9b::/96) and IPv4-compatible forms are IPv6 clients: their /64 is what counts.
    expect(clientSource("64:ff9b::203.0.113.7")).toBe("64:ff9b:0:0::/64");
    expect(clientSource("2001:db8:1:2::203.0.113.7")).toBe("2001:db8:1:2::/64");
    expect(clientSource("::203.0.113.7")).toBe("0:0:0:0::/64");
    expect(clientSource("2001:db8:1:2:3:4:203.0.113.7")).toBe("2001:db8:1:2::/64");
    // Another address cannot pick an IPv4 client's bucket by ending in its dotted quad.
    expect(clientSource("2001:db8:1:2::ffff:203.0.113.7")).not.toBe("203.0.113.7");
  });

  it("leaves what is not an address as it is, its own bucket, without throwing", () => {
    for (const value of [
      "not-an-ip",
      "1::2::3",
      "",
      ":",
      ":::",
      "1:2:3:4:5:6:7:8:9",
      "1:2:3:4:5:6:7",
      "12345::1",
      "g::1",
      "fe80::1%eth0",
      "2001:db8::/64",
      "::ffff:203.0.113.256",
      "::ffff:1.2.3",
      "::ffff:1.2.3.4.5",
      "1.2.3.4:80",
      "203.0.113.07",
      "256.1.1.1",
      "1.2.3",
      " 203.0.113.7",
      "1:2:3:4:5:6:7:1.2.3.4",
      "1.2.3.4::",
    ]) {
      expect(clientSource(value), value).toBe(value);
      expect(widerClientSource(clientSource(value)), value).toBeUndefined();
    }
  });
});

describe("widerClientSource", () => {
  it("names the /48 around an IPv6 client's /64", () => {
    expect(widerClientSource(clientSource("2001:db8:1:2:3:4:5:6"))).toBe("2001:db8:1::/48");
    expect(widerClientSource(clientSource("2001:db8:1:ffff::1"))).toBe("2001:db8:1::/48");
    expect(widerClientSource(clientSource("::1"))).toBe("0:0:0::/48");
  });

  it("has no wider tier for an IPv4 client", () => {
    expect(widerClientSource(clientSource("203.0.113.7"))).toBeUndefined();
    expect(widerClientSource(clientSource("::ffff:203.0.113.7"))).toBeUndefined();
  });
});
