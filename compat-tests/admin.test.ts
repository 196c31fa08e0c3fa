// Admin calls through each client's admin API (DefaultMQAdminExt / the Go admin package), and
// message queries by key and by id. Steps a client library has no call for report "unsupported"
// and show as n/a in the matrix.
import { check, Received, Sent, sleep } from './lib/checks';
import { DriverResult } from './lib/driver';
import { compatSuite, Ctx, referenceLimit, Unsupported } from './lib/suite';

type Json = Record<string, unknown>;
const res = (r: DriverResult): Json => (r.result ?? {}) as Json;
const text = (r: DriverResult): string => JSON.stringify(r.result ?? null);

function queueCount(result: Json): number | undefined {
  const qd = result.queueDatas as Array<{ writeQueueNums?: number }> | undefined;
  if (Array.isArray(qd) && qd.length) return qd.reduce((s, q) => s + (q.writeQueueNums ?? 0), 0);
  const mqs = result.messageQueues;
  return Array.isArray(mqs) ? mqs.length : undefined;
}

/** Sum of one field over an offsetTable written as [[queue, value], ...] pairs (complex map keys). */
function sumOffsets(result: Json, field: string): number | undefined {
  const t = result.offsetTable;
  if (!Array.isArray(t)) return undefined;
  return t.reduce((s: number, pair: unknown) => s + Number(((pair as unknown[])[1] as Json)?.[field] ?? 0), 0);
}

async function adminOk(ctx: Ctx, op: string, opts: Record<string, string | number | boolean> = {}): Promise<DriverResult> {
  return ctx.ok(['admin', op], { cluster: ctx.target.clusterName, broker: ctx.target.brokerAddr, ...opts });
}

/** Repeats a step until it succeeds and satisfies ok (routes, indexes and offsets settle asynchronously). */
async function retry<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const v = await fn();
      if (ok(v)) return v;
      last = JSON.stringify(v).slice(0, 500);
    } catch (e) {
      if (e instanceof Unsupported) throw e;
      last = (e as Error).message;
    }
    if (Date.now() > end) throw new Error(`${what}: not satisfied within ${timeoutMs} ms; last: ${last}`);
    await sleep(500);
  }
}

compatSuite(__filename, [
  {
    id: 'admin-create-topic-route',
    run: async (ctx) => {
      const topic = ctx.name('adm');
      await adminOk(ctx, 'create-topic', { topic, queues: 6 });
      const route = await retry('topic-route', () => adminOk(ctx, 'topic-route', { topic }), (r) => queueCount(res(r)) === 6);
      check(text(route).includes(ctx.target.brokerName), `route does not name ${ctx.target.brokerName}: ${text(route).slice(0, 300)}`);
    },
  },
  {
    id: 'admin-topic-list',
    run: async (ctx) => {
      const topic = ctx.name('adml');
      await ctx.ok(['produce'], { topic, count: 1 });
      const r = await adminOk(ctx, 'topic-list');
      check(text(r).includes(`"${topic}"`), `topic-list lacks ${topic}`);
    },
  },
  {
    id: 'admin-cluster-list',
    run: async (ctx) => {
      const r = await adminOk(ctx, 'cluster-list');
      check(text(r).includes(ctx.target.clusterName), `cluster-list lacks ${ctx.target.clusterName}: ${text(r).slice(0, 300)}`);
    },
  },
  {
    id: 'admin-topic-stats',
    run: async (ctx) => {
      const topic = ctx.name('adms');
      await ctx.ok(['produce'], { topic, count: 5 });
      const limit = referenceLimit(ctx, 'topic-stats');
      const r = await adminOk(ctx, 'topic-stats', { topic }).catch((e: Error) => {
        throw limit ? new Unsupported(`${limit}: ${e.message.slice(0, 200)}`) : e;
      });
      check(sumOffsets(res(r), 'maxOffset') === 5, `sum of maxOffset should be 5: ${text(r).slice(0, 400)}`);
    },
  },
  {
    id: 'admin-consumer-progress',
    run: async (ctx) => {
      const topic = ctx.name('admp');
      const group = ctx.name('g');
      await ctx.ok(['produce'], { topic, count: 5 });
      await ctx.ok(['consume'], { topic, group, count: 5, from: 'first', 'timeout-ms': 30000 });
      const limit = referenceLimit(ctx, 'consumer-progress');
      const r = await adminOk(ctx, 'consumer-progress', { group }).catch((e: Error) => {
        throw limit ? new Unsupported(`${limit}: ${e.message.slice(0, 200)}`) : e;
      });
      check(sumOffsets(res(r), 'consumerOffset') === 5, `sum of consumerOffset should be 5: ${text(r).slice(0, 400)}`);
    },
  },
  {
    id: 'admin-create-sub-group',
    run: async (ctx) => {
      const group = ctx.name('sg');
      const r = await adminOk(ctx, 'create-sub-group', { group });
      check(text(r).includes(ctx.target.brokerAddr), `create-sub-group did not reach ${ctx.target.brokerAddr}: ${text(r)}`);
    },
  },
  {
    id: 'admin-broker-status',
    run: async (ctx) => {
      const r = await adminOk(ctx, 'broker-status');
      const table = (res(r).table ?? {}) as Json;
      check(typeof table.brokerVersionDesc === 'string' && typeof table.msgPutTotalTodayNow === 'string', `broker-status table lacks brokerVersionDesc / msgPutTotalTodayNow: ${text(r).slice(0, 300)}`);
    },
  },
  {
    id: 'admin-delete-topic',
    run: async (ctx) => {
      const topic = ctx.name('admd');
      await adminOk(ctx, 'create-topic', { topic, queues: 2 });
      await retry('topic-list after create', () => adminOk(ctx, 'topic-list'), (r) => text(r).includes(`"${topic}"`));
      await adminOk(ctx, 'delete-topic', { topic });
      await retry('topic-list after delete', () => adminOk(ctx, 'topic-list'), (r) => !text(r).includes(`"${topic}"`));
    },
  },
  {
    id: 'query-by-key',
    run: async (ctx) => {
      const topic = ctx.name('qk');
      const prefix = `${ctx.name('key')}-`;
      const pr = ctx.report('produce');
      await ctx.ok(['produce'], { topic, count: 5, 'keys-prefix': prefix, report: pr });
      const sent = ctx.read<Sent>(pr).find((s) => s.i === 3);
      const r = await retry('query-by-key', () => adminOk(ctx, 'query-by-key', { topic, key: `${prefix}3` }), (x) => Array.isArray(x.result) && x.result.length > 0);
      const found = r.result as Received[];
      check(found.length === 1 && found[0].keys === `${prefix}3` && found[0].i === 3, `query by key returned ${JSON.stringify(found).slice(0, 300)}`);
      check(found[0].bodyCrc32 === sent?.bodyCrc32, 'queried body differs from the sent one');
    },
  },
  {
    id: 'query-by-id',
    run: async (ctx) => {
      const topic = ctx.name('qi');
      const pr = ctx.report('produce');
      await ctx.ok(['produce'], { topic, count: 3, report: pr });
      const sent = ctx.read<Sent>(pr).find((s) => s.i === 1);
      check(!!sent?.offsetMsgId && !!sent.msgId, 'producer reported no ids');
      const byOffsetId = await adminOk(ctx, 'query-by-id', { topic, id: String(sent?.offsetMsgId) });
      const m1 = res(byOffsetId) as unknown as Received;
      check(m1.i === 1 && m1.bodyCrc32 === sent?.bodyCrc32, `by offsetMsgId: ${text(byOffsetId).slice(0, 300)}`);
      const byUniq = await retry('query by unique id', () => ctx.run(['admin', 'query-by-id'], { topic, id: String(sent?.msgId) }), (x) => x.ok === true);
      const m2 = res(byUniq) as unknown as Received;
      check(m2.i === 1 && m2.bodyCrc32 === sent?.bodyCrc32, `by msgId: ${text(byUniq).slice(0, 300)}`);
    },
  },
]);
