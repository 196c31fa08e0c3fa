package org.rocketmqts.compat;

import java.io.File;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.client.impl.consumer.ProcessQueue;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.common.message.MessageQueue;

/**
 * Orderly consumption across a rebalance (compat-tests/ordered.test.ts, ordered-rebalance).
 *
 * `orderly-watch --topic T --group G --id NAME [--run-ms 60000] [--stop-file F] [--sleep-ms 5]
 *  [--await-termination-ms 3000] [--report FILE]`: an orderly push consumer (from first) that records,
 * per listener call, who consumed which queue/offset/i and when the listener started and finished
 * (microseconds), and runs until --run-ms passed or --stop-file exists; then it shuts down cleanly.
 * Events: {"event":"ready","at"}, {"event":"queues","queues":[ids],"at"} whenever the queues it holds
 * change, {"event":"stopping","at"}; result {"ok","id","consumed","readyAt","stoppingAt","stoppedAt"}.
 *
 * `ordered-feed --topic T --count N [--interval-ms 40] [--size 64] [--stop-file F] [--report FILE]`:
 * prints {"event":"ready","at"} once started, then sends message i at start + i * interval with a
 * MessageQueueSelector (queue = (i % 8) % queues), one at a time, until N were sent or F exists.
 */
final class OrderlyWatch {
    private OrderlyWatch() {
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static Map<String, Object> event(String name) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("event", name);
        e.put("at", System.currentTimeMillis());
        return e;
    }

    /** Queue ids of the topic this consumer holds (in its process queue table and not dropped). */
    static List<Integer> held(DefaultMQPushConsumer c, String topic) {
        TreeSet<Integer> ids = new TreeSet<>();
        for (Map.Entry<MessageQueue, ProcessQueue> e
            : c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().entrySet()) {
            if (e.getKey().getTopic().equals(topic) && !e.getValue().isDropped()) {
                ids.add(e.getKey().getQueueId());
            }
        }
        return new ArrayList<>(ids);
    }

    static Map<String, Object> watch(Args a) throws Exception {
        String topic = a.required("topic");
        String id = a.str("id", "c");
        long runMs = a.lng("run-ms", 60000);
        String stopFile = a.str("stop-file", null);
        int sleepMs = a.integer("sleep-ms", 5);
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(a.required("group"));
        Driver.configure(c, a);
        c.setConsumeFromWhere(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        c.setConsumeThreadMin(4);
        c.setConsumeThreadMax(4);
        c.setConsumeMessageBatchMaxSize(1);
        // a clean shutdown lets the running listener finish before the queues are unlocked
        // (the default 0 interrupts it and unlocks while it may still run)
        c.setAwaitTerminationMillisWhenShutdown(a.lng("await-termination-ms", 3000));
        c.subscribe(topic, "*");
        AtomicInteger consumed = new AtomicInteger();
        Map<String, Object> r = new LinkedHashMap<>();
        try (Out.Report report = new Out.Report(a.str("report", null))) {
            c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                long start = micros();
                boolean interrupted = false;
                try {
                    Thread.sleep(sleepMs);
                } catch (InterruptedException e) {
                    interrupted = true;
                    Thread.currentThread().interrupt();
                }
                long end = micros();
                for (MessageExt m : msgs) {
                    Map<String, Object> o = Msgs.report(m);
                    o.put("who", id);
                    o.put("startUs", start);
                    o.put("endUs", end);
                    o.put("batch", msgs.size());
                    if (interrupted) {
                        o.put("interrupted", true);
                    }
                    report.add(o);
                    consumed.incrementAndGet();
                }
                return ConsumeOrderlyStatus.SUCCESS;
            });
            long t0 = System.currentTimeMillis();
            c.start();
            Map<String, Object> ready = event("ready");
            Out.line(ready);
            List<Integer> last = new ArrayList<>();
            long deadline = t0 + runMs;
            File stop = stopFile == null ? null : new File(stopFile);
            while (System.currentTimeMillis() < deadline && (stop == null || !stop.exists())) {
                List<Integer> now = held(c, topic);
                if (!now.equals(last)) {
                    Map<String, Object> e = event("queues");
                    e.put("queues", now);
                    Out.line(e);
                    last = now;
                }
                Thread.sleep(20);
            }
            Map<String, Object> stopping = event("stopping");
            Out.line(stopping);
            Driver.bounded(c::shutdown, 15000);
            r.put("ok", true);
            r.put("id", id);
            r.put("consumed", consumed.get());
            r.put("readyAt", ready.get("at"));
            r.put("stoppingAt", stopping.get("at"));
            r.put("stoppedAt", System.currentTimeMillis());
        }
        return r;
    }

    static Map<String, Object> feed(Args a) throws Exception {
        String topic = a.required("topic");
        int count = a.integer("count", 100);
        int interval = a.integer("interval-ms", 40);
        int size = a.integer("size", 64);
        String stopFile = a.str("stop-file", null);
        File stop = stopFile == null ? null : new File(stopFile);
        String runId = Driver.runId(a);
        DefaultMQProducer p = new DefaultMQProducer(a.str("group", "compat_feed_" + UUID.randomUUID().toString().substring(0, 8)));
        Driver.configure(p, a);
        p.setSendMsgTimeout(a.integer("send-timeout-ms", 8000));
        int sent = 0;
        int failed = 0;
        String error = null;
        long t0;
        try (Out.Report report = new Out.Report(a.str("report", null))) {
            p.start();
            Out.line(event("ready"));
            t0 = System.currentTimeMillis();
            for (int i = 0; i < count && (stop == null || !stop.exists()); i++) {
                long wait = t0 + (long) i * interval - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                Message m = new Message(topic, Msgs.body(runId, i, size));
                try {
                    SendResult sr = p.send(m, (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size()), i % 8);
                    Map<String, Object> o = new LinkedHashMap<>();
                    o.put("i", i);
                    o.put("queueId", sr.getMessageQueue().getQueueId());
                    o.put("queueOffset", sr.getQueueOffset());
                    o.put("msgId", sr.getMsgId());
                    o.put("sentAt", System.currentTimeMillis());
                    report.add(o);
                    sent++;
                } catch (Exception e) {
                    failed++;
                    if (error == null) {
                        error = e.getClass().getSimpleName() + ": " + e.getMessage();
                    }
                    e.printStackTrace(System.err);
                }
            }
        }
        long elapsed = System.currentTimeMillis() - t0;
        Driver.bounded(p::shutdown, 3000);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", failed == 0 && (sent == count || stop != null && stop.exists()));
        r.put("sent", sent);
        r.put("failed", failed);
        r.put("runId", runId);
        r.put("elapsedMs", elapsed);
        if (error != null) {
            r.put("error", error);
        }
        return r;
    }
}
