// Helpers for black-box NameServer tests: an in-process NamesrvController on 127.0.0.1:0 with its
// files in a temp dir, a log capture, and request builders for what brokers and clients send.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { NamesrvConfig, NamesrvController } from '../../src/namesrv';
import { encodeRegisterBrokerBody, type RegisterBrokerBody } from '../../src/protocol/body/register-broker-body';
import { newTopicConfig, type TopicConfig } from '../../src/protocol/body/topic-config';
import { RequestCode } from '../../src/protocol/request-code';
import { RemotingClient } from '../../src/remoting/client';
import { createRequest, type ExtFields, type RemotingCommand } from '../../src/remoting/command';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

export interface TestNamesrv {
  controller: NamesrvController;
  addr: string;
  dir: string;
  logs: LogLine[];
  stop(): Promise<void>;
}

export async function startNamesrv(props: Record<string, string | number | boolean> = {}): Promise<TestNamesrv> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'namesrv-test-'));
  const config = new NamesrvConfig({
    listenPort: 0,
    kvConfigPath: path.join(dir, 'kvConfig.json'),
    configStorePath: path.join(dir, 'namesrv.properties'),
    ...props,
  }, dir);
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line.trim() !== '') logs.push(JSON.parse(line) as LogLine);
      cb();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const controller = new NamesrvController(config, { host: '127.0.0.1', logger });
  const port = await controller.start();
  return {
    controller,
    addr: `127.0.0.1:${port}`,
    dir,
    logs,
    async stop() {
      await controller.shutdown();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Warn-or-worse lines logged since `from` (pino levels: 40 warn, 50 error). */
export function warnings(logs: LogLine[], from: number): LogLine[] {
  return logs.slice(from).filter((l) => l.level >= 40);
}

export function call(client: RemotingClient, addr: string, code: number, opts: {
  extFields?: ExtFields; body?: Buffer; version?: number;
} = {}): Promise<RemotingCommand> {
  const req = createRequest(code, { extFields: opts.extFields, body: opts.body });
  if (opts.version !== undefined) req.version = opts.version;
  return client.invoke(addr, req, 3000);
}

export interface BrokerSpec {
  cluster?: string;
  brokerName: string;
  brokerId?: number;
  brokerAddr: string;
  haServerAddr?: string;
  topics?: TopicConfig[];
  counter?: number;
  timestamp?: number;
  heartbeatTimeoutMillis?: number;
  enableActingMaster?: boolean;
  compressed?: boolean;
  version?: number;
  zoneName?: string;
  /** Leave out the TBW102 topic every real broker registers (a 1-topic body is a single-topic registration). */
  bare?: boolean;
}

export function registerBody(spec: BrokerSpec): RegisterBrokerBody {
  return {
    filterServerList: [],
    topicConfigSerializeWrapper: {
      dataVersion: { counter: spec.counter ?? 1, stateVersion: 0, timestamp: spec.timestamp ?? 1700000000000 },
      topicConfigTable: new Map([
        ...(spec.bare ? [] : [newTopicConfig('TBW102', { readQueueNums: 8, writeQueueNums: 8, perm: 7 })]),
        ...(spec.topics ?? []),
      ].map((t) => [t.topicName, t])),
      topicQueueMappingInfoMap: new Map(),
      topicQueueMappingDetailMap: new Map(),
      mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: 1700000000000 },
    },
  };
}

export function registerExtFields(spec: BrokerSpec): ExtFields {
  const ext: ExtFields = {
    brokerName: spec.brokerName,
    brokerAddr: spec.brokerAddr,
    clusterName: spec.cluster ?? 'DefaultCluster',
    haServerAddr: spec.haServerAddr ?? spec.brokerAddr.replace(/:\d+$/, ':10912'),
    brokerId: String(spec.brokerId ?? 0),
    compressed: String(spec.compressed === true),
    bodyCrc32: '0',
  };
  if (spec.heartbeatTimeoutMillis !== undefined) ext.heartbeatTimeoutMillis = String(spec.heartbeatTimeoutMillis);
  if (spec.enableActingMaster !== undefined) ext.enableActingMaster = String(spec.enableActingMaster);
  if (spec.zoneName !== undefined) ext.__ZONE_NAME = spec.zoneName;
  return ext;
}

/** REGISTER_BROKER as a 5.x broker sends it (JSON body unless `compressed`). */
export function registerBroker(client: RemotingClient, addr: string, spec: BrokerSpec): Promise<RemotingCommand> {
  const version = spec.version ?? 479;
  return call(client, addr, RequestCode.REGISTER_BROKER, {
    extFields: registerExtFields(spec),
    body: encodeRegisterBrokerBody(registerBody(spec), spec.compressed === true, version),
    version,
  });
}

export function topic(name: string, init: Partial<TopicConfig> = {}): TopicConfig {
  return newTopicConfig(name, { readQueueNums: 4, writeQueueNums: 4, ...init });
}

export async function routeOf(client: RemotingClient, addr: string, topicName: string, version = 479, extra: ExtFields = {}): Promise<RemotingCommand> {
  return call(client, addr, RequestCode.GET_ROUTEINFO_BY_TOPIC, { extFields: { topic: topicName, ...extra }, version });
}

export async function waitFor(pred: () => boolean | Promise<boolean>, ms = 3000, step = 20): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    if (await pred()) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, step));
  }
}
