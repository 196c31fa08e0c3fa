// broker.conf: Java key names and defaults; unknown keys are warnings; SYNC_FLUSH sends are durable.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseProperties } from '../../src/common/properties';
import { brokerConfigEntries, brokerConfigPersistPath, defaultBrokerConfig, loadBrokerConfig } from '../../src/broker/broker-config';
import { DefaultMessageStore } from '../../src/store/default-message-store';
import { ResponseCode } from '../../src/protocol/response-code';
import { sendRequest, startCluster } from './core-helpers';

const JAVA_BROKER_CONF = `
# the broker.conf shipped with RocketMQ (conf/broker.conf), plus a few common keys
brokerClusterName = DefaultCluster
brokerName = broker-a
brokerId = 0
deleteWhen = 04
fileReservedTime = 48
brokerRole = ASYNC_MASTER
flushDiskType = ASYNC_FLUSH
listenPort=10915
namesrvAddr=127.0.0.1:9876;127.0.0.2:9876
storePathRootDir=/data/rocketmq/store
autoCreateTopicEnable=false
mapedFileSizeCommitLog=1073741824
someUnknownKey=1
defaultTopicQueueNums=x
`;

describe('broker core: config', () => {
  test('Java defaults', () => {
    const c = defaultBrokerConfig();
    expect(c).toMatchObject({
      brokerClusterName: 'DefaultCluster', brokerId: 0, listenPort: 10911, brokerPermission: 6, defaultTopicQueueNums: 8,
      autoCreateTopicEnable: true, autoCreateSubscriptionGroup: true, flushConsumerOffsetInterval: 5000, longPollingEnable: true,
      shortPollingTimeMills: 1000, regionId: 'DefaultRegion', traceOn: true, maxMessageSize: 4194304, flushDiskType: 'ASYNC_FLUSH',
      brokerRole: 'ASYNC_MASTER', syncFlushTimeout: 5000, haListenPort: 10912, registerNameServerPeriod: 30000,
      channelExpiredTimeout: 120000, messageDelayLevel: '1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h',
    });
  });

  test('a Java broker.conf is read unchanged; unknown keys and bad values are warnings', () => {
    const { config, warnings } = loadBrokerConfig(parseProperties(JAVA_BROKER_CONF));
    expect(config).toMatchObject({
      brokerName: 'broker-a', fileReservedTime: 48, listenPort: 10915, namesrvAddr: '127.0.0.1:9876;127.0.0.2:9876',
      storePathRootDir: '/data/rocketmq/store', storePathCommitLog: '/data/rocketmq/store/commitlog', autoCreateTopicEnable: false,
      defaultTopicQueueNums: 8,
    });
    expect(warnings).toEqual(expect.arrayContaining([
      'unknown broker config key "mapedFileSizeCommitLog" ignored',
      'unknown broker config key "someUnknownKey" ignored',
      'config key "defaultTopicQueueNums": "x" is not a number, keeping 8',
    ]));
    expect(warnings).toHaveLength(3);
    expect(brokerConfigEntries(config)).toContainEqual(['brokerName', 'broker-a']);
  });

  test('UPDATE_BROKER_CONFIG persists to brokerConfigPath, else the -c file, else ~/store/config/broker.properties', () => {
    const c = defaultBrokerConfig();
    expect(brokerConfigPersistPath(c, '/etc/rmq/broker.conf')).toBe('/etc/rmq/broker.conf');
    expect(brokerConfigPersistPath(c)).toBe(path.join(os.homedir(), 'store', 'config', 'broker.properties'));
    c.brokerConfigPath = '/var/rmq/b.properties';
    expect(brokerConfigPersistPath(c, '/etc/rmq/broker.conf')).toBe('/var/rmq/b.properties');
    expect(brokerConfigEntries(c)).toContainEqual(['brokerConfigPath', '/var/rmq/b.properties']);
    expect(brokerConfigEntries(defaultBrokerConfig()).some(([k]) => k === 'brokerConfigPath')).toBe(false);
  });

  test('SYNC_FLUSH: an acknowledged send is on disk even if the broker dies without shutting down', async () => {
    const c = await startCluster({ fileStore: true, props: { flushDiskType: 'SYNC_FLUSH' } });
    const r = await c.client.invoke(c.brokerAddr, sendRequest({ topic: 'TSync', queueId: 0, body: 'durable' }), 5000);
    expect(r.code).toBe(ResponseCode.SUCCESS);
    // "kill -9": no broker/store shutdown; a second store recovers the directory from the abort state.
    expect(fs.existsSync(path.join(c.dir, 'abort'))).toBe(true);
    const copy = fs.mkdtempSync(path.join(path.dirname(c.dir), 'rmq-sync-copy-'));
    fs.cpSync(c.dir, copy, { recursive: true });
    const store = new DefaultMessageStore(copy);
    await store.start();
    try {
      const got = await store.getMessage({ group: 'g', topic: 'TSync', queueId: 0, offset: 0, maxMsgNums: 1 });
      expect(got.messages).toHaveLength(1);
      expect(got.messages[0].toString('latin1')).toContain('durable');
    } finally {
      await store.shutdown();
      await c.stop();
    }
  });
});

describe('broker core: ports', () => {
  test('listens on listenPort and on the VIP port listenPort - 2', async () => {
    const net = await import('node:net');
    const freePort = (): Promise<number> => new Promise((resolve, reject) => {
      const s = net.createServer();
      s.once('error', reject);
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    // A port P whose P - 2 is free too (retry a few times).
    let c: Awaited<ReturnType<typeof startCluster>> | undefined;
    for (let attempt = 0; attempt < 5 && !c; attempt++) {
      const vip = await freePort();
      try {
        c = await startCluster({ props: { listenPort: String(vip + 2) } });
      } catch {
        c = undefined;
      }
    }
    expect(c).toBeDefined();
    const cl = c as NonNullable<typeof c>;
    try {
      expect(cl.broker.config.listenPort).toBe(cl.broker.remotingServer.port);
      expect(cl.broker.fastRemotingServer.port).toBe(cl.broker.config.listenPort - 2);
      for (const port of [cl.broker.config.listenPort, cl.broker.config.listenPort - 2]) {
        const r = await cl.client.invoke(`127.0.0.1:${port}`, sendRequest({ topic: 'TPorts' }), 3000);
        expect(r.code).toBe(ResponseCode.SUCCESS);
      }
    } finally {
      await cl.stop();
    }
  });
});
