import { describe, expect, it } from "vitest";
import { clientSource } from "./client-source.ts";

describe("clientSource", () => {
  it("keeps an IPv4 address, also inside an IPv4-mapped IPv6 one", () => {
    expect(clientSource("203.0.113.7")).toBe("203.0.113.7");
    expect(clientSource("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("counts an IPv6 address by its /64, however it is written", () => {
    expect(clientSource("2001:db8:1:2:3:4:5:6")).toBe("2001:db8:1:2::/64");
    expect(clientSource("2001:0DB8:0001:0002::9")).toBe("2001:db8:1:2::/64");
    expect(clientSource("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientSource("::1")).toBe("0:0:0:0::/64");
  });

  it("leaves what is not an address as it is", () => {
    expect(clientSource("not-an-ip")).toBe("not-an-ip");
    expect(clientSource("1::2::3")).toBe("1::2::3");
  });
});
