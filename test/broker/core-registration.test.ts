// Registration with every NameServer: at start, periodically with a data version, after topic
// changes, unregister at shutdown; and the route a real NameServer then serves.
import { ResponseCode } from '../../src/protocol/response-code';
import { RequestCode } from '../../src/protocol/request-code';
import { createResponse, type RemotingCommand } from '../../src/remoting/command';
import { RemotingServer } from '../../src/remoting/server';
import { crc32 } from '../../src/common/crc32';
import { req, sendRequest, sleep, startCluster } from './core-helpers';

class FakeNamesrv {
  readonly server = new RemotingServer({ port: 0, host: '127.0.0.1' });
  readonly registers: RemotingCommand[] = [];
  readonly unregisters: RemotingCommand[] = [];
  constructor() {
    this.server.registerProcessor(RequestCode.REGISTER_BROKER, (_c, r) => {
      this.registers.push(r);
      return createResponse(r, ResponseCode.SUCCESS);
    });
    this.server.registerProcessor(RequestCode.UNREGISTER_BROKER, (_c, r) => {
      this.unregisters.push(r);
      return createResponse(r, ResponseCode.SUCCESS);
    });
  }
  async start(): Promise<string> {
    return `127.0.0.1:${await this.server.start()}`;
  }
}

describe('broker core: NameServer registration', () => {
  test('registers with every NameServer at start and periodically; re-registers on topic creation; unregisters at shutdown', async () => {
    const n1 = new FakeNamesrv();
    const n2 = new FakeNamesrv();
    const addrs = `${await n1.start()};${await n2.start()}`;
    const c = await startCluster({ withNamesrv: false, props: { namesrvAddr: addrs, brokerClusterName: 'ClusterX' }, controller: { registerPeriodMs: 300 } });
    try {
      // Registered before start() resolved, with every NameServer.
      expect(n1.registers.length).toBeGreaterThanOrEqual(1);
      expect(n2.registers.length).toBeGreaterThanOrEqual(1);
      const r = n1.registers[0];
      expect(r.extFields).toMatchObject({
        brokerName: 'broker-a', brokerAddr: c.brokerAddr, clusterName: 'ClusterX', brokerId: '0',
        haServerAddr: '127.0.0.1:10912', compressed: 'false',
      });
      expect(Number(r.extFields?.bodyCrc32)).toBe((crc32(r.body!) & 0x7fffffff) | 0);
      const body = JSON.parse(r.body!.toString()) as { topicConfigSerializeWrapper: { topicConfigTable: Record<string, { perm: number; readQueueNums: number }>; dataVersion: { counter: number } } };
      const table = body.topicConfigSerializeWrapper.topicConfigTable;
      expect(table.TBW102).toMatchObject({ perm: 7, readQueueNums: 8 });
      expect(table.ClusterX).toMatchObject({ perm: 7 });
      expect(table['broker-a']).toMatchObject({ perm: 7, readQueueNums: 1 });
      for (const t of ['SCHEDULE_TOPIC_XXXX', 'SELF_TEST_TOPIC', 'OFFSET_MOVED_EVENT', 'RMQ_SYS_TRANS_HALF_TOPIC']) expect(table[t]).toBeDefined();
      const v0 = body.topicConfigSerializeWrapper.dataVersion.counter;

      const before = n1.registers.length;
      await sleep(750);
      expect(n1.registers.length).toBeGreaterThanOrEqual(before + 2);
      expect(n2.registers.length).toBeGreaterThanOrEqual(before + 2);

      const s = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'BrandNew' }), 3000);
      expect(s.code).toBe(ResponseCode.SUCCESS);
      await sleep(100);
      const last = JSON.parse(n2.registers[n2.registers.length - 1].body!.toString()) as typeof body;
      expect(last.topicConfigSerializeWrapper.topicConfigTable.BrandNew).toMatchObject({ perm: 6, readQueueNums: 4, writeQueueNums: 4 });
      expect(last.topicConfigSerializeWrapper.dataVersion.counter).toBeGreaterThan(v0);
    } finally {
      await c.stop();
    }
    expect(n1.unregisters).toHaveLength(1);
    expect(n2.unregisters[0].extFields).toMatchObject({ brokerName: 'broker-a', clusterName: 'ClusterX', brokerId: '0' });
    await n1.server.shutdown();
    await n2.server.shutdown();
  });

  test('with the real NameServer: routes for TBW102, the cluster and broker topics and auto-created topics; gone after shutdown', async () => {
    const c = await startCluster();
    const route = async (topic: string) => c.client.invoke(c.namesrvAddr, req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic }), 3000);
    try {
      for (const t of ['TBW102', 'DefaultCluster', 'broker-a']) {
        const r = await route(t);
        expect(r.code).toBe(ResponseCode.SUCCESS);
        const rd = JSON.parse(r.body!.toString()) as { brokerDatas: { brokerAddrs: Record<string, string> }[] };
        expect(rd.brokerDatas[0].brokerAddrs['0']).toBe(c.brokerAddr);
      }
      expect((await route('AutoMade')).code).toBe(ResponseCode.TOPIC_NOT_EXIST);
      await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'AutoMade' }), 3000);
      // No wait: a topic created by a send is registered before the send is answered (as in Java).
      const r = await route('AutoMade');
      expect(r.code).toBe(ResponseCode.SUCCESS);
      const rd = JSON.parse(r.body!.toString()) as { queueDatas: { writeQueueNums: number; perm: number }[] };
      expect(rd.queueDatas[0]).toMatchObject({ writeQueueNums: 4, perm: 6 });
    } finally {
      await c.broker.shutdown();
    }
    const after = await c.client.invoke(c.namesrvAddr, req(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'AutoMade' }), 3000);
    expect(after.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    await c.stop();
  });
});
