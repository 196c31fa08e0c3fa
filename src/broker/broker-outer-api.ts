// Java BrokerOuterAPI: REGISTER_BROKER / UNREGISTER_BROKER to every NameServer (requests.md
// §1.1–1.2). The body is the uncompressed RegisterBrokerBody JSON (5.x shape, keys sorted) with
// its CRC32 in the header; each NameServer is called in parallel and failures are logged.
import stringify from 'fast-json-stable-stringify';
import { crc32 } from '../common/crc32';
import type { Logger } from '../common/logger';
import { RegisterBrokerRequestHeader, UnRegisterBrokerRequestHeader } from '../protocol/headers/namesrv';
import { encodeHeader } from '../protocol/header';
import { RequestCode } from '../protocol/request-code';
import { ResponseCode } from '../protocol/response-code';
import { createRequest } from '../remoting/command';
import type { RemotingClient } from '../remoting/client';
import type { TopicConfigSerializeWrapper } from './topic-config-manager';

export interface BrokerIdentity {
  clusterName: string;
  brokerName: string;
  brokerAddr: string;
  brokerId: number;
  haServerAddr: string;
}

export interface RegisterBrokerResult {
  namesrvAddr: string;
  ok: boolean;
  /** ORDER_TOPIC_CONFIG KV table returned by the NameServer (topic → "broker:n;..."). */
  orderTopics?: Record<string, string>;
  masterAddr?: string;
  haServerAddr?: string;
  error?: string;
}

/** "a:9876;b:9876" → ["a:9876", "b:9876"] (Java splits on ';'). */
export function parseNamesrvAddrList(s: string): string[] {
  return s.split(';').map((a) => a.trim()).filter((a) => a.length > 0);
}

export function encodeRegisterBrokerBody(wrapper: TopicConfigSerializeWrapper): Buffer {
  const body = {
    filterServerList: [] as string[],
    topicConfigSerializeWrapper: {
      dataVersion: wrapper.dataVersion,
      mappingDataVersion: { counter: 0, stateVersion: 0, timestamp: wrapper.dataVersion.timestamp },
      topicConfigTable: wrapper.topicConfigTable,
      topicQueueMappingDetailMap: {},
      topicQueueMappingInfoMap: {},
    },
  };
  return Buffer.from(stringify(body), 'utf8');
}

export class BrokerOuterAPI {
  constructor(private readonly client: RemotingClient, private readonly logger: Logger) {}

  async registerBrokerAll(
    namesrvs: readonly string[], id: BrokerIdentity, wrapper: TopicConfigSerializeWrapper, timeoutMs: number, heartbeatTimeoutMillis = 120_000,
  ): Promise<RegisterBrokerResult[]> {
    const body = encodeRegisterBrokerBody(wrapper);
    const ext = encodeHeader(RegisterBrokerRequestHeader, {
      brokerName: id.brokerName, brokerAddr: id.brokerAddr, clusterName: id.clusterName, haServerAddr: id.haServerAddr,
      brokerId: id.brokerId, heartbeatTimeoutMillis, enableActingMaster: false, compressed: false,
      bodyCrc32: (crc32(body) & 0x7fffffff) | 0,
    });
    return Promise.all(namesrvs.map(async (addr): Promise<RegisterBrokerResult> => {
      try {
        const resp = await this.client.invoke(addr, createRequest(RequestCode.REGISTER_BROKER, { extFields: { ...ext }, body }), timeoutMs);
        if (resp.code !== ResponseCode.SUCCESS) {
          this.logger.warn({ namesrv: addr, code: resp.code, remark: resp.remark }, 'register broker refused');
          return { namesrvAddr: addr, ok: false, error: `${resp.code} ${resp.remark ?? ''}` };
        }
        const r: RegisterBrokerResult = { namesrvAddr: addr, ok: true };
        if (resp.extFields?.masterAddr) r.masterAddr = resp.extFields.masterAddr;
        if (resp.extFields?.haServerAddr) r.haServerAddr = resp.extFields.haServerAddr;
        if (resp.body && resp.body.length > 0) {
          try {
            const kv = JSON.parse(resp.body.toString('utf8')) as { table?: Record<string, string> };
            if (kv.table && typeof kv.table === 'object') r.orderTopics = kv.table;
          } catch {
            // not a KVTable: ignore
          }
        }
        return r;
      } catch (err) {
        this.logger.warn({ namesrv: addr, err: (err as Error).message }, 'register broker failed');
        return { namesrvAddr: addr, ok: false, error: (err as Error).message };
      }
    }));
  }

  async unregisterBrokerAll(namesrvs: readonly string[], id: BrokerIdentity, timeoutMs: number): Promise<void> {
    const ext = encodeHeader(UnRegisterBrokerRequestHeader, {
      brokerName: id.brokerName, brokerAddr: id.brokerAddr, clusterName: id.clusterName, brokerId: id.brokerId,
    });
    await Promise.all(namesrvs.map(async (addr) => {
      try {
        const resp = await this.client.invoke(addr, createRequest(RequestCode.UNREGISTER_BROKER, { extFields: { ...ext } }), timeoutMs);
        if (resp.code !== ResponseCode.SUCCESS) this.logger.warn({ namesrv: addr, code: resp.code, remark: resp.remark }, 'unregister broker refused');
      } catch (err) {
        this.logger.warn({ namesrv: addr, err: (err as Error).message }, 'unregister broker failed');
      }
    }));
  }
}
