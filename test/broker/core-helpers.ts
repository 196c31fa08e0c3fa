// Shared fixture of the broker-core black-box tests: a real NameServer and Broker in process on
// 127.0.0.1 ephemeral ports, talked to over TCP with the project's RemotingClient.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBrokerConfig, type BrokerConfig } from '../../src/broker/broker-config';
import { BrokerController, type BrokerControllerOptions } from '../../src/broker/broker-controller';
import { NamesrvConfig, NamesrvController } from '../../src/namesrv';
import { RequestCode } from '../../src/protocol/request-code';
import { createRequest, type ExtFields, type RemotingCommand } from '../../src/remoting/command';
import { RemotingClient } from '../../src/remoting/client';
import { MemoryMessageStore } from '../../src/store/memory-message-store';
import { encodeBatchBody, type BatchElement } from '../../src/store/message-codec';

export interface Cluster {
  namesrv: NamesrvController;
  broker: BrokerController;
  client: RemotingClient;
  brokerAddr: string;
  namesrvAddr: string;
  dir: string;
  stop(): Promise<void>;
}

export interface ClusterOptions {
  props?: Record<string, string>;
  fileStore?: boolean;
  dir?: string;
  controller?: BrokerControllerOptions;
  withNamesrv?: boolean;
}

export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-broker-core-'));
  let namesrv: NamesrvController | undefined;
  let namesrvAddr = '';
  if (opts.withNamesrv !== false) {
    namesrv = new NamesrvController(new NamesrvConfig({ listenPort: 0, kvConfigPath: path.join(dir, 'kv.json') }), { host: '127.0.0.1' });
    const p = await namesrv.start();
    namesrvAddr = `127.0.0.1:${p}`;
  }
  const { config } = loadBrokerConfig(Object.entries({
    brokerName: 'broker-a',
    brokerIP1: '127.0.0.1',
    brokerIP2: '127.0.0.1',
    listenPort: '0',
    storePathRootDir: dir,
    namesrvAddr,
    // Small files so file-store tests stay fast (Java defaults: 1 GiB commit log, 5M index slots).
    mappedFileSizeCommitLog: String(4 * 1024 * 1024 + 64 * 1024 + 1024),
    mappedFileSizeConsumeQueue: String(1000 * 20),
    maxHashSlotNum: '1000',
    maxIndexNum: '4000',
    ...opts.props,
  }));
  const broker = new BrokerController(config, {
    host: '127.0.0.1',
    store: opts.fileStore ? undefined : new MemoryMessageStore({ maxMessageSize: config.maxMessageSize }),
    ...opts.controller,
  });
  try {
    await broker.start();
  } catch (e) {
    await broker.shutdown().catch(() => undefined);
    await namesrv?.shutdown();
    throw e;
  }
  const client = new RemotingClient();
  return {
    namesrv: namesrv as NamesrvController,
    broker,
    client,
    brokerAddr: broker.brokerAddr,
    namesrvAddr,
    dir,
    async stop() {
      client.shutdown();
      await broker.shutdown();
      await namesrv?.shutdown();
    },
  };
}

export function brokerConfigOf(c: Cluster): BrokerConfig {
  return c.broker.config;
}

export function req(code: number, extFields: ExtFields = {}, body?: Buffer): RemotingCommand {
  return createRequest(code, { extFields, body });
}

export interface SendOpts {
  topic: string;
  body?: string | Buffer;
  queueId?: number;
  tags?: string;
  keys?: string;
  props?: Record<string, string>;
  group?: string;
  code?: number;
  defaultTopic?: string;
  sysFlag?: number;
  reconsumeTimes?: number;
  maxReconsumeTimes?: number;
}

let uniqCounter = 0;
export function uniqKey(): string {
  return `7F0000010000000000000000${(uniqCounter++).toString(16).toUpperCase().padStart(8, '0')}`;
}

export function propString(props: Record<string, string>): string {
  return Object.entries(props).map(([k, v]) => `${k}\u0001${v}\u0002`).join('');
}

/** A send request the way the Java client builds it (V1 = code 10, V2 = code 310). */
export function sendRequest(o: SendOpts): RemotingCommand {
  const props: Record<string, string> = { UNIQ_KEY: uniqKey(), WAIT: 'true', ...(o.tags ? { TAGS: o.tags } : {}), ...(o.keys ? { KEYS: o.keys } : {}), ...o.props };
  const v1: ExtFields = {
    producerGroup: o.group ?? 'PG',
    topic: o.topic,
    defaultTopic: o.defaultTopic ?? 'TBW102',
    defaultTopicQueueNums: '4',
    queueId: String(o.queueId ?? 0),
    sysFlag: String(o.sysFlag ?? 0),
    bornTimestamp: String(Date.now()),
    flag: '0',
    properties: propString(props),
    reconsumeTimes: String(o.reconsumeTimes ?? 0),
    unitMode: 'false',
    batch: 'false',
  };
  if (o.maxReconsumeTimes !== undefined) v1.maxReconsumeTimes = String(o.maxReconsumeTimes);
  const body = typeof o.body === 'string' ? Buffer.from(o.body) : o.body ?? Buffer.from('hello');
  if ((o.code ?? RequestCode.SEND_MESSAGE_V2) === RequestCode.SEND_MESSAGE) return req(RequestCode.SEND_MESSAGE, v1, body);
  const v2: ExtFields = {
    a: v1.producerGroup, b: v1.topic, c: v1.defaultTopic, d: v1.defaultTopicQueueNums, e: v1.queueId, f: v1.sysFlag,
    g: v1.bornTimestamp, h: v1.flag, i: v1.properties, j: v1.reconsumeTimes, k: 'false', m: 'false',
  };
  if (o.maxReconsumeTimes !== undefined) v2.l = String(o.maxReconsumeTimes);
  return req(o.code ?? RequestCode.SEND_MESSAGE_V2, v2, body);
}

export function batchRequest(topic: string, elements: BatchElement[], queueId = 0, batchProps: Record<string, string> = { WAIT: 'true' }): RemotingCommand {
  return req(RequestCode.SEND_BATCH_MESSAGE, {
    a: 'PG', b: topic, c: 'TBW102', d: '4', e: String(queueId), f: '0', g: String(Date.now()), h: '0',
    i: propString(batchProps), j: '0', k: 'false', m: 'true',
  }, encodeBatchBody(elements));
}

export interface HeartbeatOpts {
  clientID: string;
  group: string;
  topics: { topic: string; tags?: string[] }[];
  messageModel?: string;
  consumeType?: string;
  producerGroups?: string[];
  subVersion?: number;
}

export function heartbeatRequest(o: HeartbeatOpts): RemotingCommand {
  const hash = (s: string): number => { let h = 0; for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0; return h; };
  const body = {
    clientID: o.clientID,
    consumerDataSet: o.group === '' ? [] : [{
      consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
      consumeType: o.consumeType ?? 'CONSUME_PASSIVELY',
      groupName: o.group,
      messageModel: o.messageModel ?? 'CLUSTERING',
      subscriptionDataSet: o.topics.map((t) => ({
        classFilterMode: false,
        codeSet: (t.tags ?? []).map(hash),
        expressionType: 'TAG',
        subString: t.tags && t.tags.length > 0 ? t.tags.join(' || ') : '*',
        subVersion: o.subVersion ?? 1700000000000,
        tagsSet: t.tags ?? [],
        topic: t.topic,
      })),
      unitMode: false,
    }],
    heartbeatFingerprint: 0,
    producerDataSet: (o.producerGroups ?? []).map((g) => ({ groupName: g })),
    withoutSub: false,
  };
  return req(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify(body)));
}

export interface PullOpts {
  group: string;
  topic: string;
  queueId?: number;
  offset?: number;
  maxMsgNums?: number;
  sysFlag?: number;
  commitOffset?: number;
  suspendTimeoutMillis?: number;
  subscription?: string;
  subVersion?: number;
}

export function pullRequest(o: PullOpts): RemotingCommand {
  const ext: ExtFields = {
    consumerGroup: o.group,
    topic: o.topic,
    queueId: String(o.queueId ?? 0),
    queueOffset: String(o.offset ?? 0),
    maxMsgNums: String(o.maxMsgNums ?? 32),
    sysFlag: String(o.sysFlag ?? 2),
    commitOffset: String(o.commitOffset ?? 0),
    suspendTimeoutMillis: String(o.suspendTimeoutMillis ?? 1000),
    subVersion: String(o.subVersion ?? 0),
    expressionType: 'TAG',
  };
  if (o.subscription !== undefined) ext.subscription = o.subscription;
  return req(RequestCode.PULL_MESSAGE, ext);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
