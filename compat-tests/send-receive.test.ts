// Send sync / async / oneway / batch and receive with a push consumer; sizes 1 B .. 4 MiB;
// keys, tags and user properties intact.
import { check, expectIndices, expectSameMessages, Received, Sent } from './lib/checks';
import { compatSuite, Ctx, Opts } from './lib/suite';

async function sendThenReceive(ctx: Ctx, mode: string, count: number, extra: Opts = {}): Promise<{ sent: Sent[]; got: Received[]; runId: string }> {
  const topic = ctx.name(`sr_${mode}`);
  const pr = ctx.report('produce');
  const p = await ctx.ok(['produce'], { topic, count, mode, report: pr, ...extra });
  check(p.sent === count, `sent ${String(p.sent)} of ${count}`);
  const cr = ctx.report('consume');
  await ctx.ok(['consume'], { topic, group: ctx.name('g'), count, from: 'first', 'timeout-ms': 30000, report: cr });
  const sent = ctx.read<Sent>(pr);
  const got = ctx.read<Received>(cr);
  expectIndices(got, String(p.runId), count);
  return { sent, got, runId: String(p.runId) };
}

compatSuite(__filename, [
  {
    id: 'send-sync',
    run: async (ctx) => {
      const { sent, got } = await sendThenReceive(ctx, 'sync', 20);
      check(sent.every((s) => typeof s.msgId === 'string' && typeof s.offsetMsgId === 'string'), 'sync send results lack msgId/offsetMsgId');
      expectSameMessages(sent, got);
    },
  },
  {
    id: 'send-async',
    run: async (ctx) => {
      const { sent, got } = await sendThenReceive(ctx, 'async', 50);
      expectSameMessages(sent, got);
    },
  },
  {
    id: 'send-oneway',
    run: async (ctx) => {
      await sendThenReceive(ctx, 'oneway', 20);
    },
  },
  {
    id: 'send-batch',
    run: async (ctx) => {
      const { sent, got } = await sendThenReceive(ctx, 'batch', 64, { 'batch-size': 16 });
      // ids: false — against the 5.3.3 reference the 5.3.3 client's batch send result listed ids that
      // the consumer did not see (i=0 arrived with the id after the last listed one, i.e. the batch's own
      // UNIQ_KEY; likely the broker appends the batch's properties to each inner message — not verified
      // further). Bodies, queues and offsets must match.
      expectSameMessages(sent, got, { ids: false });
    },
  },
  {
    id: 'message-sizes',
    timeoutMs: 180_000,
    run: async (ctx) => {
      const topic = ctx.name('sizes');
      const sizes = [1, 100, 4096, 4097, 65536, 1024 * 1024, 4 * 1024 * 1024];
      const sent: Array<Sent & { size: number }> = [];
      for (const size of sizes) {
        const pr = ctx.report(`produce-${size}`);
        await ctx.ok(['produce'], { topic, count: 1, size, report: pr, 'run-id': `s${size}` });
        for (const s of ctx.read<Sent>(pr)) sent.push({ ...s, size });
      }
      const cr = ctx.report('consume');
      await ctx.ok(['consume'], { topic, group: ctx.name('g'), count: sizes.length, from: 'first', 'timeout-ms': 30000, report: cr });
      const got = ctx.read<Received>(cr);
      for (const s of sent) {
        const r = got.find((m) => m.msgId === s.msgId);
        check(r !== undefined, `size ${s.size}: message ${s.msgId} not received`);
        check(r?.bodyLen === s.size && r.bodyCrc32 === s.bodyCrc32, `size ${s.size}: received length ${r?.bodyLen} crc ${r?.bodyCrc32}, sent crc ${s.bodyCrc32}`);
      }
    },
  },
  {
    id: 'keys-tags-props',
    run: async (ctx) => {
      const { got, runId } = await sendThenReceive(ctx, 'sync', 10, { tag: 'TagK', 'keys-prefix': 'key-', props: 'color=red,size=XL' });
      for (const m of got.filter((g) => g.runId === runId)) {
        check(m.keys === `key-${m.i}`, `i=${m.i}: keys '${m.keys}'`);
        check(m.tags === 'TagK', `i=${m.i}: tags '${m.tags}'`);
        check(m.props?.color === 'red' && m.props?.size === 'XL', `i=${m.i}: props ${JSON.stringify(m.props)}`);
      }
    },
  },
]);
