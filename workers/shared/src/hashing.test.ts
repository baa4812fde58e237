import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hashing.ts";

async function webCryptoSha256Hex(input: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

describe("sha256Hex", () => {
  it("gives the FIPS 180-2 digests of the standard test messages", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  });

  it("hashes the UTF-8 bytes, as WebCrypto does, for keys, tokens and non-ASCII text of any length", async () => {
    for (const input of ["xr2_live_0123456789abcdefghijklmnopqrstuv", "Grüße, 世界 🚀", "x".repeat(100_000)]) {
      expect(sha256Hex(input)).toBe(await webCryptoSha256Hex(input));
    }
  });
});
