// mqadmin itself (MQAdminStartup from the rocketmq-tools jar of each Java line) against the target:
// updateTopic, topicList, topicRoute, topicStatus, clusterList, consumerProgress, brokerStatus,
// updateSubGroup, deleteTopic, queryMsgById. mqadmin exits 0 even on failure; we judge its output.
import { check, Sent, sleep } from './lib/checks';
import { runMqadmin } from './lib/mqadmin';
import { compatSuite, Ctx, referenceLimit, Unsupported } from './lib/suite';

const JAVA = ['java-4.9.8', 'java-5.3.3'] as const;

/** Runs mqadmin until its output satisfies `expect` (state such as committed offsets settles asynchronously), 3 tries. */
async function mq(ctx: Ctx, args: string[], expect: (out: string) => boolean, what: string, tries = 3): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const r = await runMqadmin(ctx.client, ctx.namesrv, args);
    // judged by stderr (sub-command failures print their stack trace there) and the expected output;
    // stdout may legitimately mention exceptions (queryMsgById prints consumer tracks)
    const failed = /SubCommandException|MQClientException|MQBrokerException|RemotingException/.test(r.stderr);
    if (!failed && expect(r.stdout)) return r.stdout;
    if (attempt >= tries) {
      check(false, `mqadmin ${args.join(' ')}: ${what}\nstdout: ${r.stdout.slice(-1500)}\nstderr: ${r.stderr.slice(-600)}`);
    }
    await sleep(2000);
  }
}

compatSuite(__filename, [
  {
    id: 'mqadmin-updateTopic-topicRoute-topicList',
    clients: JAVA,
    run: async (ctx) => {
      const t = ctx.name('mqa');
      await mq(ctx, ['updateTopic', '-c', ctx.target.clusterName, '-t', t, '-r', '3', '-w', '3'], (o) => o.includes('success'), 'no success line');
      await mq(ctx, ['topicRoute', '-t', t], (o) => o.includes(ctx.target.brokerName) && /"readQueueNums"\s*:\s*3/.test(o), 'route lacks broker / 3 queues');
      await mq(ctx, ['topicList'], (o) => o.split('\n').some((l) => l.trim() === t), 'topic not listed');
    },
  },
  {
    id: 'mqadmin-clusterList-brokerStatus',
    clients: JAVA,
    run: async (ctx) => {
      await mq(ctx, ['clusterList'], (o) => o.includes(ctx.target.clusterName) && o.includes(ctx.target.brokerName), 'cluster/broker missing');
      await mq(ctx, ['brokerStatus', '-b', ctx.target.brokerAddr], (o) => o.includes('brokerVersionDesc'), 'no brokerVersionDesc');
    },
  },
  {
    id: 'mqadmin-queryMsgById-consumerProgress',
    clients: JAVA,
    run: async (ctx) => {
      const t = ctx.name('mqs');
      const g = ctx.name('g');
      const pr = ctx.report('produce');
      await ctx.ok(['produce'], { topic: t, count: 4, report: pr });
      await ctx.ok(['consume'], { topic: t, group: g, count: 4, from: 'first', 'timeout-ms': 30000 });
      const id = ctx.read<Sent>(pr)[0]?.offsetMsgId ?? '';
      // 5.x queryMsgById requires the topic (-t); 4.9 has no such option
      const byId = ctx.client === 'java-5.3.3' ? ['queryMsgById', '-t', t, '-i', id] : ['queryMsgById', '-i', id];
      await mq(ctx, byId, (o) => o.includes(t) && o.includes(id), 'message not shown');
      const limit = referenceLimit(ctx, 'consumer-progress');
      await mq(ctx, ['consumerProgress', '-g', g], (o) => o.includes(t) && /Diff Total:\s*0/.test(o), 'topic missing or diff not 0', limit ? 1 : 3).catch(
        (e: Error) => {
          throw limit ? new Unsupported(`${limit}: ${e.message.slice(0, 200)}`) : e;
        },
      );
    },
  },
  {
    id: 'mqadmin-topicStatus',
    clients: JAVA,
    run: async (ctx) => {
      const t = ctx.name('mqt');
      await ctx.ok(['produce'], { topic: t, count: 4 });
      const limit = referenceLimit(ctx, 'topic-stats');
      await mq(ctx, ['topicStatus', '-t', t], (o) => o.includes(ctx.target.brokerName) && o.split('\n').length >= 5, 'no queue rows', limit ? 1 : 3).catch(
        (e: Error) => {
          throw limit ? new Unsupported(`${limit}: ${e.message.slice(0, 200)}`) : e;
        },
      );
    },
  },
  {
    id: 'mqadmin-updateSubGroup-deleteTopic',
    clients: JAVA,
    run: async (ctx) => {
      const t = ctx.name('mqd');
      const g = ctx.name('sg');
      await mq(ctx, ['updateSubGroup', '-c', ctx.target.clusterName, '-g', g], (o) => o.includes('success'), 'no success line');
      await mq(ctx, ['updateTopic', '-c', ctx.target.clusterName, '-t', t], (o) => o.includes('success'), 'no success line');
      await mq(ctx, ['deleteTopic', '-c', ctx.target.clusterName, '-t', t], (o) => o.includes('success'), 'no success line');
      await mq(ctx, ['topicList'], (o) => !o.split('\n').some((l) => l.trim() === t), 'deleted topic still listed');
    },
  },
]);
