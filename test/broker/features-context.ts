// A BrokerContext for the broker-features unit tests: the real managers over a temp store root and
// the in-memory store; processors are collected in a table and invoked directly; putMessage runs
// the registered hooks like the controller does.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { getLogger } from '../../src/common/logger';
import { defaultBrokerConfig, type BrokerConfig } from '../../src/broker/broker-config';
import type { BrokerContext, PutMessageHook } from '../../src/broker/broker-context';
import { BrokerStatsManager } from '../../src/broker/broker-stats';
import { ConsumerManager } from '../../src/broker/client/consumer-manager';
import { ProducerManager } from '../../src/broker/client/producer-manager';
import { ConsumerOffsetManager } from '../../src/broker/consumer-offset-manager';
import { SubscriptionGroupManager } from '../../src/broker/subscription-group-manager';
import { TopicConfigManager } from '../../src/broker/topic-config-manager';
import { createRequest, type ExtFields, type RemotingCommand } from '../../src/remoting/command';
import type { Connection } from '../../src/remoting/connection';
import { RemotingError } from '../../src/remoting/errors';
import type { RequestHandler, RequestProcessor } from '../../src/remoting/processor';
import { MemoryMessageStore } from '../../src/store/memory-message-store';
import type { PutMessageInput, PutMessageResult } from '../../src/store/message-store';

export interface TestBroker {
  ctx: BrokerContext;
  store: MemoryMessageStore;
  config: BrokerConfig;
  root: string;
  processors: Map<number, RequestProcessor>;
  shutdownTasks: Array<() => void | Promise<void>>;
  registerCalls: number;
  /** Calls the processor for `code` as the dispatcher would; RemotingError becomes a response. */
  call(code: number, extFields?: ExtFields, body?: Buffer, conn?: Connection): Promise<RemotingCommand | null>;
  close(): Promise<void>;
}

export async function createTestBroker(overrides: Partial<BrokerConfig> = {}): Promise<TestBroker> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-features-'));
  const config: BrokerConfig = { ...defaultBrokerConfig(), brokerName: 'broker-a', brokerIP1: '127.0.0.1', storePathRootDir: root, ...overrides };
  const store = new MemoryMessageStore();
  await store.start();
  const hooks: PutMessageHook[] = [];
  const processors = new Map<number, RequestProcessor>();
  const shutdownTasks: Array<() => void | Promise<void>> = [];
  const tb: TestBroker = {
    store, config, root, processors, shutdownTasks, registerCalls: 0,
    ctx: undefined as unknown as BrokerContext,
    async call(code, extFields, body, conn) {
      const p = processors.get(code);
      if (!p) throw new Error(`no processor for ${code}`);
      const req = createRequest(code, { extFields, body });
      try {
        return await p.processRequest(conn ?? fakeConnection(), req);
      } catch (err) {
        if (err instanceof RemotingError) return { ...req, code: err.code, remark: err.message, flag: 1 };
        throw err;
      }
    },
    async close() {
      for (const t of shutdownTasks.reverse()) await t();
      await store.shutdown();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  const ctx: BrokerContext = {
    config,
    store,
    topicConfigManager: new TopicConfigManager(config),
    subscriptionGroupManager: new SubscriptionGroupManager(config),
    consumerOffsetManager: new ConsumerOffsetManager(config),
    consumerManager: new ConsumerManager(),
    producerManager: new ProducerManager(),
    brokerStatsManager: new BrokerStatsManager(),
    brokerConfigPersistPath: path.join(root, 'broker.conf'),
    storeHost: { address: config.brokerIP1, port: config.listenPort },
    brokerAddr: `${config.brokerIP1}:${config.listenPort}`,
    logger: getLogger('test-broker'),
    registerProcessor(code: number, p: RequestProcessor | RequestHandler) {
      processors.set(code, typeof p === 'function' ? { processRequest: p } : p);
    },
    addPutMessageHook(h: PutMessageHook) {
      hooks.push(h);
    },
    async putMessage(msg: PutMessageInput): Promise<PutMessageResult> {
      let m = msg;
      for (const h of hooks) {
        const r = h(m);
        if ('status' in r) return r;
        m = r;
      }
      return store.putMessage(m);
    },
    async registerBrokerAll() {
      tb.registerCalls++;
    },
    scheduleAtFixedRate() {
      // periodic tasks are driven by the tests themselves
    },
    onShutdown(task) {
      shutdownTasks.push(task);
    },
    shuttingDown: false,
  };
  tb.ctx = ctx;
  return tb;
}

/** A Connection stand-in for processors that only read its address or send on it. */
export function fakeConnection(remoteAddress = '127.0.0.1:50000', sent: RemotingCommand[] = []): Connection {
  return {
    remoteAddress,
    localAddress: '127.0.0.1:10911',
    isClosed: false,
    attributes: new Map(),
    send(cmd: RemotingCommand) { sent.push(cmd); return true; },
    invokeOneway(cmd: RemotingCommand) { sent.push(cmd); return true; },
  } as unknown as Connection;
}

/** A message as a producer would have it stored. */
export function testMessage(topic: string, queueId: number, props: Record<string, string>, body = 'hello'): PutMessageInput {
  let properties = '';
  for (const [k, v] of Object.entries(props)) properties += `${k}\u0001${v}\u0002`;
  return {
    topic, queueId, flag: 0, body: Buffer.from(body), properties, bornTimestamp: Date.now(),
    bornHost: { address: '127.0.0.1', port: 40000 }, storeHost: { address: '127.0.0.1', port: 10911 },
    sysFlag: 0, reconsumeTimes: 0, preparedTransactionOffset: 0, tagsCode: 0,
  };
}
