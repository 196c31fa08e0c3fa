package org.rocketmqts.compat;

import java.text.SimpleDateFormat;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.rocketmq.client.consumer.DefaultMQPushConsumer;
import org.apache.rocketmq.client.consumer.MessageSelector;
import org.apache.rocketmq.client.consumer.listener.ConsumeConcurrentlyStatus;
import org.apache.rocketmq.client.consumer.listener.ConsumeOrderlyStatus;
import org.apache.rocketmq.client.consumer.listener.MessageListenerConcurrently;
import org.apache.rocketmq.client.consumer.listener.MessageListenerOrderly;
import org.apache.rocketmq.common.consumer.ConsumeFromWhere;
import org.apache.rocketmq.common.message.MessageExt;

/** `consume`: a push consumer that runs until --count messages were consumed or --timeout-ms passed. */
final class Consume {
    private Consume() {
    }

    static void from(Args a, java.util.function.Consumer<ConsumeFromWhere> where, java.util.function.Consumer<String> ts) {
        String from = a.str("from", "first");
        if (from.equals("first")) {
            where.accept(ConsumeFromWhere.CONSUME_FROM_FIRST_OFFSET);
        } else if (from.equals("last")) {
            where.accept(ConsumeFromWhere.CONSUME_FROM_LAST_OFFSET);
        } else if (from.startsWith("timestamp:")) {
            where.accept(ConsumeFromWhere.CONSUME_FROM_TIMESTAMP);
            long ms = Long.parseLong(from.substring("timestamp:".length()));
            ts.accept(new SimpleDateFormat("yyyyMMddHHmmss").format(new Date(ms)));
        } else {
            throw new IllegalArgumentException("bad --from " + from);
        }
    }

    static Map<String, Object> run(Args a) throws Exception {
        String topic = a.required("topic");
        int count = a.integer("count", 1);
        long timeout = a.lng("timeout-ms", 60000);
        long linger = a.lng("linger-ms", 0);
        int reconsumeLater = a.integer("reconsume-later", 0);
        boolean orderly = a.flag("orderly");
        boolean reportDeliveries = a.flag("report-deliveries");
        boolean slim = a.str("report-format", "full").equals("slim");
        Out.Control control = new Out.Control(a);
        DefaultMQPushConsumer c = new DefaultMQPushConsumer(a.required("group"));
        Driver.configure(c, a);
        from(a, c::setConsumeFromWhere, c::setConsumeTimestamp);
        Compat.setMessageModel(c, a.str("model", "clustering").equals("broadcasting") ? "BROADCASTING" : "CLUSTERING");
        if (a.has("max-reconsume-times")) {
            c.setMaxReconsumeTimes(a.integer("max-reconsume-times", 16));
        }
        c.setConsumeThreadMin(4);
        c.setConsumeThreadMax(8);
        c.setSuspendCurrentQueueTimeMillis(200);
        if (a.has("sql")) {
            c.subscribe(topic, MessageSelector.bySql(a.str("sql", null)));
        } else {
            c.subscribe(topic, a.str("tag-expr", "*"));
        }
        AtomicInteger received = new AtomicInteger();
        AtomicInteger deliveries = new AtomicInteger();
        Object done = new Object();
        Map<String, Object> r = new LinkedHashMap<>();
        long t0;
        try (Out.Report report = new Out.Report(a.str("report", null))) {
            if (orderly) {
                c.registerMessageListener((MessageListenerOrderly) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        deliveries.incrementAndGet();
                        if (m.getReconsumeTimes() < reconsumeLater) {
                            return ConsumeOrderlyStatus.SUSPEND_CURRENT_QUEUE_A_MOMENT;
                        }
                    }
                    for (MessageExt m : msgs) {
                        report.add(Msgs.report(m, slim));
                        bump(received, count, done);
                    }
                    return ConsumeOrderlyStatus.SUCCESS;
                });
            } else {
                c.registerMessageListener((MessageListenerConcurrently) (msgs, ctx) -> {
                    for (MessageExt m : msgs) {
                        deliveries.incrementAndGet();
                        if (m.getReconsumeTimes() < reconsumeLater) {
                            if (reportDeliveries) {
                                // --report-deliveries: a line for every delivery, also the ones sent back
                                for (MessageExt x : msgs) {
                                    report.add(Msgs.report(x, slim));
                                }
                            }
                            return ConsumeConcurrentlyStatus.RECONSUME_LATER;
                        }
                    }
                    for (MessageExt m : msgs) {
                        report.add(Msgs.report(m, slim));
                        bump(received, count, done);
                    }
                    return ConsumeConcurrentlyStatus.CONSUME_SUCCESS;
                });
            }
            t0 = System.currentTimeMillis();
            c.start();
            awaitQueues(c, topic, 5000);
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("event", "ready");
            ready.put("queues", queues(c, topic));
            Out.line(ready);
            long deadline = t0 + timeout;
            int lastQueues = queues(c, topic);
            synchronized (done) {
                while (received.get() < count && System.currentTimeMillis() < deadline && !control.tick(received.get())) {
                    done.wait(Math.max(1, Math.min(200, deadline - System.currentTimeMillis())));
                    lastQueues = queueEvent(c, topic, lastQueues);
                }
            }
            // the listener signals before the client records the consumed offset: give the client a
            // moment (and one persist interval) so that shutdown commits the offsets of every message
            long lingerEnd = System.currentTimeMillis() + Math.max(linger, 1200);
            while (System.currentTimeMillis() < lingerEnd) {
                Thread.sleep(Math.min(200, Math.max(1, lingerEnd - System.currentTimeMillis())));
                lastQueues = queueEvent(c, topic, lastQueues);
            }
            // a run ended by --stop-file is ok: the caller decided it had what it waited for
            r.put("ok", received.get() >= count || control.stopped);
            r.put("received", received.get());
            if (control.stopped) {
                r.put("stopped", true);
            }
            r.put("deliveries", deliveries.get());
            r.put("queues", queues(c, topic));
            r.put("elapsedMs", System.currentTimeMillis() - t0);
            // shutdown persists the consumed offsets (offsets-survive-restart scenario)
            Driver.bounded(c::shutdown, 5000);
        }
        if (!Boolean.TRUE.equals(r.get("ok"))) {
            r.put("error", "received " + r.get("received") + " of " + count + " before timeout");
        }
        return r;
    }

    static void bump(AtomicInteger received, int count, Object done) {
        if (received.incrementAndGet() >= count) {
            synchronized (done) {
                done.notifyAll();
            }
        }
    }

    /** Prints {"event":"queues","queues":n} when the rebalance changed this consumer's share. */
    static int queueEvent(DefaultMQPushConsumer c, String topic, int last) {
        int now = queues(c, topic);
        if (now != last) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("event", "queues");
            e.put("queues", now);
            Out.line(e);
        }
        return now;
    }

    static int queues(DefaultMQPushConsumer c, String topic) {
        int n = 0;
        for (org.apache.rocketmq.common.message.MessageQueue mq
            : c.getDefaultMQPushConsumerImpl().getRebalanceImpl().getProcessQueueTable().keySet()) {
            if (mq.getTopic().equals(topic)) {
                n++;
            }
        }
        return n;
    }

    /** Waits (bounded) until the rebalance gave this consumer at least one queue of the topic. */
    static void awaitQueues(DefaultMQPushConsumer c, String topic, long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (queues(c, topic) == 0 && System.currentTimeMillis() < end) {
            Thread.sleep(50);
        }
    }
}
