package org.rocketmqts.compat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.rocketmq.client.consumer.DefaultLitePullConsumer;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/** `lite-pull`: DefaultLitePullConsumer, subscribe (rebalanced) or --assign (all queues of the topic). */
final class LitePull {
    private LitePull() {
    }

    static Map<String, Object> run(Args a) throws Exception {
        String topic = a.required("topic");
        int count = a.integer("count", 1);
        long timeout = a.lng("timeout-ms", 60000);
        boolean assign = a.flag("assign");
        boolean slim = a.str("report-format", "full").equals("slim");
        Out.Control control = new Out.Control(a);
        DefaultLitePullConsumer c = new DefaultLitePullConsumer(a.required("group"));
        Driver.configure(c, a);
        Consume.from(a, c::setConsumeFromWhere, c::setConsumeTimestamp);
        c.setAutoCommit(true);
        c.setPollTimeoutMillis(1000);
        c.setPullBatchSize(32);
        int received = 0;
        int queues = 0;
        Map<String, Object> r = new LinkedHashMap<>();
        long t0 = System.currentTimeMillis();
        try (Out.Report report = new Out.Report(a.str("report", null))) {
            if (!assign) {
                c.subscribe(topic, a.str("tag-expr", "*"));
            }
            c.start();
            if (assign) {
                Collection<MessageQueue> mqs = c.fetchMessageQueues(topic);
                List<MessageQueue> all = new ArrayList<>(mqs);
                c.assign(all);
                queues = all.size();
            }
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("event", "ready");
            Out.line(ready);
            long deadline = t0 + timeout;
            while (received < count && System.currentTimeMillis() < deadline && !control.tick(received)) {
                List<MessageExt> got = c.poll(Math.max(1, Math.min(1000, deadline - System.currentTimeMillis())));
                for (MessageExt m : got) {
                    report.add(Msgs.report(m, slim));
                    received++;
                }
            }
            if (received >= count || control.stopped) {
                c.commitSync();
            }
            // a run ended by --stop-file is ok: the caller decided it had what it waited for
            r.put("ok", received >= count || control.stopped);
            r.put("received", received);
            if (control.stopped) {
                r.put("stopped", true);
            }
            if (assign) {
                r.put("queues", queues);
            }
            r.put("elapsedMs", System.currentTimeMillis() - t0);
            Driver.bounded(c::shutdown, 5000);
        }
        if (!Boolean.TRUE.equals(r.get("ok"))) {
            r.put("error", "received " + received + " of " + count + " before timeout");
        }
        return r;
    }
}
