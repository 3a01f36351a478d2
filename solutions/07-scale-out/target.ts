// target.ts: the channel target for one or several server addresses.
//
// grpc-js finds a target's addresses with a resolver chosen by the target's scheme.
// `host:port` uses DNS: every address the name has becomes a server to balance over.
// For a list of servers, grpc-js has the `ipv4:` and `ipv6:` schemes, which take
// comma-separated IP addresses (no names): so we look the names up first.
import { lookup } from 'node:dns/promises';
import net from 'node:net';

function split(address: string): { host: string; port: string } {
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: address.slice(colon + 1) };
}

export async function channelTarget(addresses: string[]): Promise<string> {
  if (addresses.length === 1) return addresses[0];
  const servers = await Promise.all(
    addresses.map(async (address) => {
      const { host, port } = split(address);
      const found = net.isIP(host) ? [{ address: host, family: net.isIP(host) }] : await lookup(host, { all: true });
      return { port, found };
    }),
  );
  // One scheme for the whole list: IPv4 if every server has an IPv4 address, else IPv6.
  for (const family of [4, 6]) {
    const ips = servers.map(({ port, found }) => {
      const ip = found.find((entry) => entry.family === family)?.address;
      return ip && (family === 6 ? `[${ip}]:${port}` : `${ip}:${port}`);
    });
    if (ips.every(Boolean)) return `ipv${family}:${ips.join(',')}`;
  }
  throw new Error('mix IPv4-only and IPv6-only servers in one list');
}
