/**
 * What per-IP limits count: an IPv4 address as it is, an IPv6 address by its /64 network, and
 * that /64 again by its /48 (widerClientSource). One subscriber or server gets a whole /64 and
 * can use any address in it, so counting single IPv6 addresses would let one source start afresh
 * with every request; a site often holds a /48 (65,536 /64s), hence the looser second tier.
 *
 * Parsing is strict: only an IPv4-mapped address (::ffff:a.b.c.d, in any spelling of IPv6) is an
 * IPv4 client; anything else with a ':' is read as one whole IPv6 address (a dotted quad in its
 * last 32 bits included), and what does not parse is its own bucket, the value as it is.
 */
import { IPV6_SITE_LIMIT_FACTOR } from "@xr2/shared";

/** The bucket an address is counted in: "a.b.c.d", "a:b:c:d::/64", or the unparsed value itself. */
export function clientSource(ip: string): string {
  if (!ip.includes(":")) return ip; // IPv4, or a value that is its own bucket
  const groups = parseIpv6(ip);
  if (!groups) return ip;
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join(".");
  return `${hex(groups.slice(0, 4))}::/64`;
}

/** The /48 around an IPv6 bucket of clientSource; undefined for IPv4 and unparsed values. */
export function widerClientSource(source: string): string | undefined {
  const network = /^((?:[0-9a-f]{1,4}:){2}[0-9a-f]{1,4}):[0-9a-f]{1,4}::\/64$/.exec(source);
  return network ? `${network[1]}::/48` : undefined;
}

function hex(groups: number[]): string {
  return groups.map((group) => group.toString(16)).join(":");
}

/** Four decimal octets without leading zeros (so no octal ambiguity), each at most 255. */
function parseIpv4(text: string): number[] | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part))) return undefined;
  const octets = parts.map(Number);
  return octets.every((octet) => octet <= 255) ? octets : undefined;
}

/** Eight 16-bit groups (RFC 4291 text forms: one "::" at most, a dotted quad as the last 32 bits), or undefined. */
function parseIpv6(text: string): number[] | undefined {
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (half: string | undefined): string[] => (half ? half.split(":") : []);
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const last = halves.length === 2 ? tail : head;
  const groups: number[] = [];
  const toGroups = (parts: string[], isLast: boolean): number[] | undefined => {
    const out: number[] = [];
    for (const [index, part] of parts.entries()) {
      if (isLast && index === parts.length - 1 && part.includes(".")) {
        const octets = parseIpv4(part);
        if (!octets) return undefined;
        out.push((octets[0]! << 8) | octets[1]!, (octets[2]! << 8) | octets[3]!);
      } else if (/^[0-9a-f]{1,4}$/i.test(part)) {
        out.push(parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const headGroups = toGroups(head, last === head);
  const tailGroups = toGroups(tail, last === tail && halves.length === 2);
  if (!headGroups || !tailGroups) return undefined;
  if (halves.length === 2) {
    const missing = 8 - headGroups.length - tailGroups.length;
    if (missing < 1) return undefined;
    groups.push(...headGroups, ...Array<number>(missing).fill(0), ...tailGroups);
  } else {
    groups.push(...headGroups);
  }
  return groups.length === 8 ? groups : undefined;
}

/** The buckets a per-IP limit counts a source in: its own at `requests`, and an IPv6 source's /48 at IPV6_SITE_LIMIT_FACTOR times that. */
export function sourceTiers(source: string, requests: number): Array<{ identifier: string; requests: number }> {
  const site = widerClientSource(source);
  return site ? [{ identifier: source, requests }, { identifier: site, requests: requests * IPV6_SITE_LIMIT_FACTOR }] : [{ identifier: source, requests }];
}
