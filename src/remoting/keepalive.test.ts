import * as net from 'node:net';
import * as NetKeepAlive from 'net-keepalive';
import { applyKeepAlive } from './keepalive';

describe('applyKeepAlive', () => {
  test('sets the probe interval and count on accepted and connecting sockets', async () => {
    const accepted: net.Socket[] = [];
    const server = net.createServer((s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const client = net.connect(port, '127.0.0.1');
    await new Promise<void>((r) => client.once('connect', r));
    while (accepted.length === 0) await new Promise((r) => setTimeout(r, 5));
    const socket = accepted[0] as net.Socket;
    try {
      applyKeepAlive(socket, { idleMs: 30_000, intervalMs: 7_000, probes: 4 });
      expect(NetKeepAlive.getKeepAliveInterval(socket)).toBe(7_000);
      expect(NetKeepAlive.getKeepAliveProbes(socket)).toBe(4);
      const other = net.connect(port, '127.0.0.1');
      await new Promise<void>((r) => other.once('connect', r));
      applyKeepAlive(other, { idleMs: 30_000, intervalMs: 6_000, probes: 2 });
      expect(NetKeepAlive.getKeepAliveInterval(other)).toBe(6_000);
      expect(NetKeepAlive.getKeepAliveProbes(other)).toBe(2);
      other.destroy();
    } finally {
      client.destroy();
      for (const s of accepted) s.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});
