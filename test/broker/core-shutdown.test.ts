// Clean shutdown: held pulls are answered, offsets persisted, the broker unregistered.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RequestCode } from '../../src/protocol/request-code';
import { ResponseCode } from '../../src/protocol/response-code';
import { heartbeatRequest, pullRequest, req, sendRequest, sleep, startCluster } from './core-helpers';

test('shutdown answers held pulls, persists offsets and unregisters from the NameServer', async () => {
  const c = await startCluster({ fileStore: true });
  await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TS', queueId: 0 }), 3000);
  await c.client.invoke(c.brokerAddr, heartbeatRequest({ clientID: 'x', group: 'CGS', topics: [{ topic: 'TS' }] }), 3000);
  const held = c.client.invoke(c.brokerAddr, pullRequest({ group: 'CGS', topic: 'TS', queueId: 1, sysFlag: 2, suspendTimeoutMillis: 15000 }), 20000);
  await c.client.invoke(c.brokerAddr, req(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'CGS', topic: 'TS', queueId: '0', commitOffset: '1' }), 3000);
  await sleep(100);
  expect(c.broker.heldPullRequests).toBe(1);
  const t0 = Date.now();
  await c.broker.shutdown();
  const resp = await held;
  expect(resp.code).toBe(ResponseCode.PULL_NOT_FOUND);
  expect(Date.now() - t0).toBeLessThan(3000);
  expect(fs.readFileSync(path.join(c.dir, 'config', 'consumerOffset.json'), 'utf8')).toMatch(/"TS@CGS":\{0:1\n/);
  expect(fs.existsSync(path.join(c.dir, 'abort'))).toBe(false);
  const route = await c.client.invoke(c.namesrvAddr, req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'TS' }), 3000);
  expect(route.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
  await c.stop();
});
