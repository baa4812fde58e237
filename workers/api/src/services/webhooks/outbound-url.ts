/**
 * Where a webhook may be sent (issue #18, outbound safety): https only, and never to this
 * machine, a private network, link-local or cloud metadata addresses, whether written as an IP
 * (in any IPv4 spelling the URL parser normalises, or IPv6, IPv4-mapped included) or as a name
 * that means one (localhost, *.localhost, *.local, *.internal). Checked when an endpoint is
 * saved and again before every send. WEBHOOKS_ALLOW_LOOPBACK (development, `npm run dev`)
 * allows http and loopback addresses, nothing else.
 *
 * Names are not resolved here: on Cloudflare, a Worker's fetch cannot reach private addresses
 * through a public name, which is what keeps DNS rebinding out.
 */
import ipaddr from "ipaddr.js";

export const WEBHOOK_URL_MAX_LENGTH = 2_000;

const REFUSED_NAMES = [/^localhost$/, /\.localhost$/, /\.local$/, /\.internal$/, /^metadata$/, /\.home\.arpa$/];

/** Null when the URL may be sent to, else why not (in words, for the API's 400). */
export function outboundUrlProblem(raw: string, options: { allowLoopback: boolean }): string | null {
  if (raw.length > WEBHOOK_URL_MAX_LENGTH) return `The URL is longer than ${WEBHOOK_URL_MAX_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "The URL is not a valid absolute URL";
  }
  if (url.protocol !== "https:" && !(options.allowLoopback && url.protocol === "http:")) return "The URL must use https";
  if (url.username !== "" || url.password !== "") return "The URL must not contain a user name or password";
  // Every trailing dot: "localhost.." names localhost as well.
  const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase().replace(/\.+$/, "");
  if (ipaddr.isValid(host)) return addressProblem(ipaddr.parse(host), options);
  if (REFUSED_NAMES.some((pattern) => pattern.test(host))) {
    return options.allowLoopback && (host === "localhost" || host.endsWith(".localhost")) ? null : `The URL's host (${host}) is a local name; webhooks are sent only to public addresses`;
  }
  // A single label (intranet names, search domains) never names a public host.
  if (host === "" || !host.includes(".")) return "The URL's host must be a public domain name or address";
  return null;
}

const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR("2000::/3");

/**
 * What the audit log keeps of an endpoint's URL: its origin. Members read the audit log while only
 * Admins manage endpoints, and a URL's path or query can be its secret (a Slack incoming webhook's is).
 */
export function auditedUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return url.pathname === "/" && url.search === "" ? url.origin : `${url.origin}/…`;
  } catch {
    return "(not a URL)";
  }
}

function addressProblem(address: ipaddr.IPv4 | ipaddr.IPv6, options: { allowLoopback: boolean }): string | null {
  // ::ffff:127.0.0.1 reaches 127.0.0.1; a public endpoint is written with its IPv4 address instead.
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    return `The URL's address (${address.toString()}) is an IPv4-mapped IPv6 address; write the IPv4 address itself`;
  }
  const range = address.range();
  if (range === "loopback" && options.allowLoopback) return null;
  if (range !== "unicast") return `The URL's address (${address.toString()}) is ${describeRange(range)}; webhooks are sent only to public addresses`;
  // ipaddr.js calls every IPv6 address outside its named ranges unicast, the deprecated
  // IPv4-compatible (::127.0.0.1) and site-local (fec0::/10) ones too: only global unicast
  // (2000::/3) is public.
  if (address.kind() === "ipv6" && !(address as ipaddr.IPv6).match(GLOBAL_UNICAST)) {
    return `The URL's address (${address.toString()}) is not a global unicast IPv6 address; webhooks are sent only to public addresses`;
  }
  return null;
}

function describeRange(range: string): string {
  switch (range) {
    case "loopback":
      return "a loopback address";
    case "private":
    case "uniqueLocal":
      return "a private network address";
    case "linkLocal":
      return "a link-local address (cloud metadata lives there)";
    case "carrierGradeNat":
      return "a carrier-grade NAT address";
    default:
      return `not a public address (${range})`;
  }
}
