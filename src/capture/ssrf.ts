import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { CaptureError } from '../domain/errors.ts';

export function isBlockedAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true;
  let ip = ipaddr.parse(address);
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress())
    ip = (ip as ipaddr.IPv6).toIPv4Address();
  // Only public unicast space is reachable; loopback, private, link-local (169.254.x, the cloud
  // metadata service), CGNAT, multicast, reserved and documentation ranges are all refused.
  return ip.range() !== 'unicast';
}

/**
 * Refuses anything but http(s), and IP-literal hosts in blocked ranges. DNS names are checked at
 * connect time. `allowHosts`: hosts (`host:port`, as in `url.host`) that may be reached although
 * their address is private, such as the demo's own loopback servers (`http.allowHosts`).
 */
export function checkUrl(url: URL, allowPrivate: boolean, allowHosts: readonly string[] = []): void {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CaptureError(
      'blocked-address',
      `refused ${url.protocol}// URL: only http and https can be captured`,
      false,
      { url: url.href, host: url.host, detail: url.protocol },
    );
  }
  if (allowPrivate || allowHosts.includes(url.host)) return;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (ipaddr.isValid(host) && isBlockedAddress(host)) {
    throw new CaptureError(
      'blocked-address',
      `refused ${url.host}: private, loopback and link-local addresses are blocked`,
      false,
      { url: url.href, host: url.host },
    );
  }
  if (host === 'localhost' || host.endsWith('.localhost')) {
    throw new CaptureError(
      'blocked-address',
      `refused ${url.host}: private, loopback and link-local addresses are blocked`,
      false,
      { url: url.href, host: url.host },
    );
  }
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A dns.lookup replacement for the HTTP agent: resolves, then refuses if any address is blocked,
 * so a name that points at an internal address (or is rebound to one) is refused at connect time.
 */
export function guardedLookup(
  hostname: string,
  options: { all?: boolean; family?: number | string },
  callback: LookupCallback,
): void {
  dnsLookup(hostname, { ...options, all: true } as { all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    const bad = addresses.find((a) => isBlockedAddress(a.address));
    if (bad) {
      const refusal = new CaptureError(
        'blocked-address',
        `refused ${hostname}: it resolves to ${bad.address}, a private, loopback or link-local address`,
        false,
        { host: hostname, detail: bad.address },
      );
      return callback(refusal as unknown as NodeJS.ErrnoException, []);
    }
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
