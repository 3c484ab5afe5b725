// Which IP addresses a user-supplied URL may reach: public unicast only. Everything else
// (private, loopback, link-local incl. 169.254.169.254 metadata, CGNAT, ULA, multicast,
// reserved, and IPv6 forms that embed an IPv4 address) is refused.
import ipaddr from "ipaddr.js";

// Returns null when `address` is a public unicast address, else why it is refused.
export function blockedReason(address: string): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address.replace(/^\[|\]$/g, ""));
  } catch {
    return `"${address}" is not an IP address`;
  }
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return blockedReason(v6.toIPv4Address().toString());
    const parts = v6.parts;
    // IPv4-compatible ::a.b.c.d (deprecated, still routed by some stacks).
    if (parts.slice(0, 6).every((p) => p === 0) && (parts[6] !== 0 || (parts[7] ?? 0) > 1)) {
      const embedded = ipaddr.fromByteArray(v6.toByteArray().slice(12));
      const inner = blockedReason(embedded.toString());
      return inner ?? `${address} is an IPv4-compatible IPv6 address`;
    }
  }
  const range = ip.range();
  if (range === "unicast") return null;
  const names: Record<string, string> = {
    private: "a private network address",
    loopback: "a loopback address",
    linkLocal: "a link-local address (cloud metadata lives here)",
    carrierGradeNat: "a carrier-grade NAT address",
    uniqueLocal: "a unique-local (private IPv6) address",
    multicast: "a multicast address",
    unspecified: "the unspecified address",
    broadcast: "a broadcast address",
    reserved: "a reserved address",
  };
  return `${address} is ${names[range] ?? `not a public address (${range})`}`;
}
