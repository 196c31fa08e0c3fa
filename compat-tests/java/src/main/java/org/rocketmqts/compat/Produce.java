package org.rocketmqts.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendCallback;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.common.message.Message;

/** `produce`: sync | async | oneway | batch | ordered sends with a latency histogram. */
final class Produce {
    private Produce() {
    }

    static Message message(Args a, String runId, int i) {
        Message m = new Message(a.required("topic"), Msgs.body(runId, i, a.integer("size", 128)));
        if (a.has("tag")) {
            m.setTags(a.str("tag", null));
        }
        if (a.has("tags")) {
            // --tags A,B,C: message i gets tag number i % n (a tag mix for filter checks)
            String[] tags = a.str("tags", "").split(",");
            m.setTags(tags[i % tags.length]);
        }
        if (a.has("keys-prefix")) {
            m.setKeys(a.str("keys-prefix", "") + i);
        }
        String props = a.str("props", null);
        if (props != null && !props.isEmpty()) {
            for (String kv : props.split(",")) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    m.putUserProperty(kv.substring(0, eq), Msgs.props(kv.substring(eq + 1), i));
                }
            }
        }
        if (a.has("delay-level")) {
            m.setDelayTimeLevel(a.integer("delay-level", 0));
        }
        return m;
    }

    static Map<String, Object> sent(int i, SendResult r, Message m) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("i", i);
        o.put("topic", m.getTopic());
        if (r != null) {
            o.put("status", r.getSendStatus().name());
            o.put("queueId", r.getMessageQueue().getQueueId());
            o.put("brokerName", r.getMessageQueue().getBrokerName());
            o.put("queueOffset", r.getQueueOffset());
            o.put("msgId", r.getMsgId());
            o.put("offsetMsgId", r.getOffsetMsgId());
        }
        o.put("keys", m.getKeys());
        o.put("tags", m.getTags());
        o.put("bodyLen", m.getBody().length);
        o.put("bodyCrc32", Msgs.crc32(m.getBody()));
        o.put("sentAt", System.currentTimeMillis());
        return o;
    }

    static Map<String, Object> run(Args a) throws Exception {
        String mode = a.str("mode", "sync");
        int count = a.integer("count", 1);
        int threads = Math.max(1, a.integer("threads", 1));
        String runId = Driver.runId(a);
        DefaultMQProducer p = new DefaultMQProducer(a.str("group", "compat_producer_" + UUID.randomUUID().toString().substring(0, 8)));
        Driver.configure(p, a);
        p.setSendMsgTimeout(a.integer("send-timeout-ms", 8000));
        p.setRetryTimesWhenSendFailed(1);
        p.setRetryTimesWhenSendAsyncFailed(1);
        p.setMaxMessageSize(a.integer("max-message-size", 4 * 1024 * 1024));
        Histogram h = new org.HdrHistogram.SynchronizedHistogram(3_600_000_000L, 3);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<String> errors = new ArrayList<>();
        long t0;
        try (Out.Report report = new Out.Report(a.str("report", null))) {
            p.start();
            t0 = System.nanoTime();
            Pacer pacer = new Pacer(t0, a.integer("rate", 0));
            switch (mode) {
                case "sync":
                case "ordered": {
                    boolean ordered = mode.equals("ordered");
                    Thread[] ts = new Thread[threads];
                    for (int t = 0; t < threads; t++) {
                        final int first = t;
                        ts[t] = new Thread(() -> {
                            for (int i = first; i < count; i += threads) {
                                pacer.await(1);
                                Message m = message(a, runId, i);
                                long s = System.nanoTime();
                                try {
                                    SendResult r = ordered
                                        ? p.send(m, (mqs, msg, arg) -> mqs.get((Integer) arg % mqs.size()), i % 8)
                                        : p.send(m);
                                    h.recordValue((System.nanoTime() - s) / 1000);
                                    ok.incrementAndGet();
                                    report.add(sent(i, r, m));
                                } catch (Exception e) {
                                    failed.incrementAndGet();
                                    note(errors, e);
                                }
                            }
                        });
                        ts[t].start();
                    }
                    for (Thread t : ts) {
                        t.join();
                    }
                    break;
                }
                case "async": {
                    Semaphore inflight = new Semaphore(64);
                    CountDownLatch done = new CountDownLatch(count);
                    for (int i = 0; i < count; i++) {
                        final int n = i;
                        pacer.await(1);
                        final Message m = message(a, runId, i);
                        final long s = System.nanoTime();
                        inflight.acquire();
                        try {
                            p.send(m, new SendCallback() {
                                @Override
                                public void onSuccess(SendResult r) {
                                    h.recordValue((System.nanoTime() - s) / 1000);
                                    ok.incrementAndGet();
                                    report.add(sent(n, r, m));
                                    inflight.release();
                                    done.countDown();
                                }

                                @Override
                                public void onException(Throwable e) {
                                    failed.incrementAndGet();
                                    note(errors, e);
                                    inflight.release();
                                    done.countDown();
                                }
                            });
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            note(errors, e);
                            inflight.release();
                            done.countDown();
                        }
                    }
                    if (!done.await(a.integer("timeout-ms", 60000), TimeUnit.MILLISECONDS)) {
                        note(errors, new IllegalStateException("async sends still pending at timeout: " + done.getCount()));
                    }
                    break;
                }
                case "oneway": {
                    Semaphore pending = onewaySemaphore(p);
                    int idle = pending == null ? 0 : pending.availablePermits();
                    for (int i = 0; i < count; i++) {
                        pacer.await(1);
                        Message m = message(a, runId, i);
                        long s = System.nanoTime();
                        try {
                            p.sendOneway(m);
                            h.recordValue((System.nanoTime() - s) / 1000);
                            ok.incrementAndGet();
                            report.add(sent(i, null, m));
                        } catch (Exception e) {
                            failed.incrementAndGet();
                            note(errors, e);
                        }
                    }
                    // sendOneway returns before Netty wrote the frame; shutting down now would drop
                    // the frames still queued in the channel, so wait until every write completed
                    awaitWrites(pending, idle, a.integer("timeout-ms", 60000));
                    break;
                }
                case "batch": {
                    int bs = Math.max(1, a.integer("batch-size", 32));
                    for (int start = 0; start < count; start += bs) {
                        pacer.await(Math.min(bs, count - start));
                        List<Message> batch = new ArrayList<>();
                        for (int i = start; i < Math.min(count, start + bs); i++) {
                            batch.add(message(a, runId, i));
                        }
                        long s = System.nanoTime();
                        try {
                            SendResult r = p.send(batch);
                            h.recordValue((System.nanoTime() - s) / 1000);
                            ok.addAndGet(batch.size());
                            String[] ids = r.getMsgId() == null ? new String[0] : r.getMsgId().split(",");
                            String[] offIds = r.getOffsetMsgId() == null ? new String[0] : r.getOffsetMsgId().split(",");
                            for (int k = 0; k < batch.size(); k++) {
                                Map<String, Object> o = sent(start + k, r, batch.get(k));
                                o.put("queueOffset", r.getQueueOffset() + k);
                                o.put("msgId", k < ids.length ? ids[k] : null);
                                o.put("offsetMsgId", k < offIds.length ? offIds[k] : null);
                                report.add(o);
                            }
                        } catch (Exception e) {
                            failed.addAndGet(batch.size());
                            note(errors, e);
                        }
                    }
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown --mode " + mode);
            }
        }
        long elapsedNs = System.nanoTime() - t0;
        Driver.bounded(p::shutdown, 3000);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", failed.get() == 0 && ok.get() == count);
        r.put("sent", ok.get());
        r.put("failed", failed.get());
        r.put("runId", runId);
        r.put("elapsedMs", elapsedNs / 1_000_000);
        r.put("tps", elapsedNs == 0 ? 0 : ok.get() * 1e9 / elapsedNs);
        r.put("latencyUs", Msgs.latency(h));
        if (!errors.isEmpty()) {
            r.put("error", errors.get(0));
            r.put("errors", errors);
        }
        return r;
    }

    /**
     * `--rate N`: at most N messages per second over all sending threads (0: no limit). A broker's
     * send queue is finite (the Java broker rejects what overflows it with SYSTEM_BUSY, and a one-way
     * send never learns of it), so an unbounded one-way flood loses messages by design.
     */
    static final class Pacer {
        private final long startNs;
        private final double nsPerMessage;
        private final java.util.concurrent.atomic.AtomicLong slots = new java.util.concurrent.atomic.AtomicLong();

        Pacer(long startNs, int rate) {
            this.startNs = startNs;
            this.nsPerMessage = rate > 0 ? 1e9 / rate : 0;
        }

        void await(int messages) {
            if (nsPerMessage == 0) {
                return;
            }
            long due = startNs + (long) (slots.getAndAdd(messages) * nsPerMessage);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                try {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** The client's one-way permits: a permit is taken per send and given back when its write completed. */
    static Semaphore onewaySemaphore(DefaultMQProducer p) {
        try {
            Object client = p.getDefaultMQProducerImpl().getMqClientFactory().getMQClientAPIImpl().getRemotingClient();
            for (Class<?> c = client.getClass(); c != null; c = c.getSuperclass()) {
                try {
                    java.lang.reflect.Field f = c.getDeclaredField("semaphoreOneway");
                    f.setAccessible(true);
                    return (Semaphore) f.get(client);
                } catch (NoSuchFieldException ignored) {
                    // look in the superclass
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.err.println("oneway: cannot watch pending writes: " + e);
        }
        return null;
    }

    /** Waits (bounded) until every one-way write completed; without the semaphore, a fixed 1.5 s. */
    static void awaitWrites(Semaphore pending, int idle, long timeoutMs) throws InterruptedException {
        if (pending == null) {
            Thread.sleep(1500);
            return;
        }
        long end = System.currentTimeMillis() + timeoutMs;
        while (pending.availablePermits() < idle && System.currentTimeMillis() < end) {
            Thread.sleep(20);
        }
    }

    static void note(List<String> errors, Throwable e) {
        synchronized (errors) {
            if (errors.size() < 5) {
                errors.add(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        e.printStackTrace(System.err);
    }
}
