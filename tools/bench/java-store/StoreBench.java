// The official RocketMQ 5.3.3 store (org.apache.rocketmq.store.DefaultMessageStore) under the workload of
// tools/bench-store.ts, so that the store benchmark reports ours beside Java in one run. Compiled and run
// by tools/bench/java-store/java-store.ts against the 5.3.3 broker's Maven classpath.
//
//   StoreBench append <root> <ASYNC_FLUSH|SYNC_FLUSH> <writers> <seconds> <uniqKey 0|1> <warmupSeconds>
//       fresh store, N writer threads each putting one 1 KiB message and waiting for its result before the
//       next; after the warm-up (a fresh JVM per run has not compiled the hot path yet), measures S seconds;
//       prints one JSON line (PUT_OK count and rates of the measured window, any other status by name).
//   StoreBench fill <root> <gib>       ASYNC_FLUSH, 64 writers until the commit log holds <gib> GiB, commit-log flush
//                                      (both timed); clean shutdown.
//   StoreBench start <root>            times load() + start() on an existing store, then the dispatch catch-up
//                                      (after a warm-up open of an empty store: class loading), and JVM start -> ready.
//   StoreBench crash <root>            ASYNC_FLUSH, 64 writers forever; prints READY once started (parent SIGKILLs).
//
// Store configuration: Java defaults (1 GiB commit-log files, 300,000-entry consume-queue files, ...) except
// storePathRootDir / storePathCommitLog (under <root>), flushDiskType, and haListenPort 0 (an ephemeral
// port instead of the default 10912; the HA service is idle without slaves).
import java.io.File;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.rocketmq.common.BrokerConfig;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.MessageAccessor;
import org.apache.rocketmq.common.message.MessageDecoder;
import org.apache.rocketmq.common.message.MessageExtBrokerInner;
import org.apache.rocketmq.store.DefaultMessageStore;
import org.apache.rocketmq.store.PutMessageResult;
import org.apache.rocketmq.store.PutMessageStatus;
import org.apache.rocketmq.store.config.FlushDiskType;
import org.apache.rocketmq.store.config.MessageStoreConfig;
import org.apache.rocketmq.store.stats.BrokerStatsManager;

public final class StoreBench {
    private static final String TOPIC = "BenchTopic";
    private static final int QUEUES = 8;
    private static final byte[] BODY = new byte[1024];
    private static final InetSocketAddress BORN_HOST = new InetSocketAddress("127.0.0.1", 50000);
    private static final InetSocketAddress STORE_HOST = new InetSocketAddress("127.0.0.1", 10911);
    private static final AtomicLong UNIQ_SEQ = new AtomicLong();

    static {
        java.util.Arrays.fill(BODY, (byte) 0x62);
    }

    private StoreBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            usage();
        }
        String root = args[1];
        switch (args[0]) {
            case "append":
                if (args.length < 7) {
                    usage();
                }
                append(root, FlushDiskType.valueOf(args[2]), Integer.parseInt(args[3]), Double.parseDouble(args[4]), "1".equals(args[5]),
                    Double.parseDouble(args[6]));
                break;
            case "fill":
                if (args.length < 3) {
                    usage();
                }
                fill(root, Double.parseDouble(args[2]));
                break;
            case "start":
                timedStart(root);
                break;
            case "crash":
                crash(root);
                break;
            default:
                usage();
        }
        // the store leaves non-daemon service threads behind after shutdown
        System.exit(0);
    }

    private static void usage() {
        System.err.println("usage: StoreBench append <root> <flush> <writers> <seconds> <uniq 0|1> <warmupSeconds> | fill <root> <gib> | start <root> | crash <root>");
        System.exit(2);
    }

    private static DefaultMessageStore open(String root, FlushDiskType flush) throws Exception {
        MessageStoreConfig cfg = new MessageStoreConfig();
        cfg.setStorePathRootDir(root);
        cfg.setStorePathCommitLog(root + File.separator + "commitlog");
        cfg.setFlushDiskType(flush);
        cfg.setHaListenPort(0);
        BrokerConfig brokerConfig = new BrokerConfig();
        ConcurrentMap<String, TopicConfig> topics = new ConcurrentHashMap<>();
        topics.put(TOPIC, new TopicConfig(TOPIC, QUEUES, QUEUES));
        return new DefaultMessageStore(cfg, new BrokerStatsManager("bench", true),
            (topic, queueId, logicOffset, tagsCode, msgStoreTime, filterBitMap, properties) -> { },
            brokerConfig, topics);
    }

    private static DefaultMessageStore loadAndStart(String root, FlushDiskType flush) throws Exception {
        DefaultMessageStore store = open(root, flush);
        if (!store.load()) {
            throw new IllegalStateException("DefaultMessageStore.load() returned false for " + root);
        }
        store.start();
        return store;
    }

    /** The message of tools/bench-store.ts: TAGS=bench (and UNIQ_KEY when asked), 1 KiB body. */
    private static MessageExtBrokerInner message(int queueId, boolean uniqKey) {
        MessageExtBrokerInner m = new MessageExtBrokerInner();
        m.setTopic(TOPIC);
        m.setQueueId(queueId);
        m.setFlag(0);
        m.setBody(BODY);
        m.setTags("bench");
        if (uniqKey) {
            MessageAccessor.putProperty(m, "UNIQ_KEY", String.format("7F000001C3A418B4AAC2%012X", UNIQ_SEQ.getAndIncrement()));
        }
        m.setPropertiesString(MessageDecoder.messageProperties2String(m.getProperties()));
        m.setTagsCode(MessageExtBrokerInner.tagsString2tagsCode("bench"));
        m.setBornTimestamp(System.currentTimeMillis());
        m.setBornHost(BORN_HOST);
        m.setStoreHost(STORE_HOST);
        m.setSysFlag(0);
        m.setReconsumeTimes(0);
        m.setPreparedTransactionOffset(0);
        return m;
    }

    /** Writer threads that put until `stop`; counts PUT_OK and every other status. */
    private static final class Writers {
        final AtomicBoolean stop = new AtomicBoolean();
        final AtomicLong ok = new AtomicLong();
        final Map<String, AtomicLong> other = new ConcurrentHashMap<>();
        final Thread[] threads;

        Writers(DefaultMessageStore store, int n, boolean uniqKey, long untilPhyOffset) {
            threads = new Thread[n];
            for (int w = 0; w < n; w++) {
                final int queueId = w % QUEUES;
                threads[w] = new Thread(() -> {
                    while (!stop.get() && store.getMaxPhyOffset() < untilPhyOffset) {
                        PutMessageResult r;
                        try {
                            r = store.asyncPutMessage(message(queueId, uniqKey)).get();
                        } catch (Exception e) {
                            other.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                            continue;
                        }
                        PutMessageStatus s = r == null ? null : r.getPutMessageStatus();
                        if (s == PutMessageStatus.PUT_OK) {
                            ok.incrementAndGet();
                        } else {
                            other.computeIfAbsent(String.valueOf(s), k -> new AtomicLong()).incrementAndGet();
                        }
                    }
                }, "bench-writer-" + w);
                threads[w].start();
            }
        }

        void join() throws InterruptedException {
            for (Thread t : threads) {
                t.join();
            }
        }

        String otherJson() {
            StringBuilder b = new StringBuilder("{");
            for (Map.Entry<String, AtomicLong> e : new TreeMap<>(other).entrySet()) {
                if (b.length() > 1) {
                    b.append(',');
                }
                b.append('"').append(e.getKey()).append("\":").append(e.getValue().get());
            }
            return b.append('}').toString();
        }
    }

    private static void append(String root, FlushDiskType flush, int writers, double seconds, boolean uniqKey, double warmup) throws Exception {
        long o0 = System.nanoTime();
        DefaultMessageStore store = loadAndStart(root, flush);
        double openMs = (System.nanoTime() - o0) / 1e6;
        Writers ws = new Writers(store, writers, uniqKey, Long.MAX_VALUE);
        // warm-up (JIT) before the measured window: counts and the commit-log offset are taken as deltas
        Thread.sleep((long) (warmup * 1000));
        long t0 = System.nanoTime();
        long ok0 = ws.ok.get();
        long phy0 = store.getMaxPhyOffset();
        Thread.sleep((long) (seconds * 1000));
        ws.stop.set(true);
        ws.join();
        double s = (System.nanoTime() - t0) / 1e9;
        long phy = store.getMaxPhyOffset() - phy0;
        long ok = ws.ok.get() - ok0;
        long c0 = System.nanoTime();
        store.shutdown();
        double closeMs = (System.nanoTime() - c0) / 1e6;
        System.out.println(String.format(java.util.Locale.ROOT,
            "{\"mode\":\"append\",\"flush\":\"%s\",\"writers\":%d,\"uniqKey\":%b,\"warmup\":%.1f,\"seconds\":%.3f,\"putOk\":%d,\"notOk\":%s,"
                + "\"msgsPerSec\":%.1f,\"payloadMiBps\":%.2f,\"recordMiBps\":%.2f,\"maxPhyOffset\":%d,\"openMs\":%.0f,\"shutdownMs\":%.0f}",
            flush, writers, uniqKey, warmup, s, ok, ws.otherJson(), ok / s, ok * 1024.0 / 1048576 / s, phy / 1048576.0 / s, phy, openMs, closeMs));
    }

    private static void fill(String root, double gib) throws Exception {
        long target = (long) (gib * 1024 * 1024 * 1024);
        DefaultMessageStore store = loadAndStart(root, FlushDiskType.ASYNC_FLUSH);
        long t0 = System.nanoTime();
        Writers ws = new Writers(store, 64, false, target);
        ws.join();
        double writeS = (System.nanoTime() - t0) / 1e9;
        // the dirty rest of the commit log, as ours flushes it in shutdown() (Java's shutdown adds a fixed 3 s sleep)
        store.flush();
        double s = (System.nanoTime() - t0) / 1e9;
        long phy = store.getMaxPhyOffset();
        store.shutdown();
        System.out.println(String.format(java.util.Locale.ROOT,
            "{\"mode\":\"fill\",\"writeSeconds\":%.3f,\"seconds\":%.3f,\"putOk\":%d,\"notOk\":%s,\"maxPhyOffset\":%d,\"cleanShutdown\":%b}",
            writeS, s, ws.ok.get(), ws.otherJson(), phy, !new File(root, "abort").exists()));
    }

    private static void timedStart(String root) throws Exception {
        boolean abortFile = new File(root, "abort").exists();
        // Class loading and static init of the store, on an empty sibling directory first: the timed open below
        // then compares with ours, which restarts in an already running process. The cold figure is jvmReadyMs.
        long w0 = System.nanoTime();
        File empty = new File(root + "-warm");
        DefaultMessageStore warm = open(empty.getPath(), FlushDiskType.ASYNC_FLUSH);
        if (!warm.load()) {
            throw new IllegalStateException("load() of an empty store returned false");
        }
        double warmMs = (System.nanoTime() - w0) / 1e6;
        long t0 = System.nanoTime();
        DefaultMessageStore store = open(root, FlushDiskType.ASYNC_FLUSH);
        if (!store.load()) {
            throw new IllegalStateException("DefaultMessageStore.load() returned false for " + root);
        }
        double loadMs = (System.nanoTime() - t0) / 1e6;
        store.start();
        double startMs = (System.nanoTime() - t0) / 1e6;
        long behindAtStart = store.dispatchBehindBytes();
        while (store.dispatchBehindBytes() > 0) {
            Thread.sleep(1);
        }
        double dispatchedMs = (System.nanoTime() - t0) / 1e6;
        long jvmReadyMs = ManagementFactory.getRuntimeMXBean().getUptime();
        long phy = store.getMaxPhyOffset();
        store.shutdown();
        deleteTree(empty);
        System.out.println(String.format(java.util.Locale.ROOT,
            "{\"mode\":\"start\",\"abortFile\":%b,\"warmMs\":%.1f,\"loadMs\":%.1f,\"startMs\":%.1f,\"dispatchedMs\":%.1f,"
                + "\"jvmReadyMs\":%d,\"behindAtStart\":%d,\"maxPhyOffset\":%d}",
            abortFile, warmMs, loadMs, startMs, dispatchedMs, jvmReadyMs, behindAtStart, phy));
    }

    private static void deleteTree(File f) {
        File[] kids = f.listFiles();
        if (kids != null) {
            for (File k : kids) {
                deleteTree(k);
            }
        }
        f.delete();
    }

    private static void crash(String root) throws Exception {
        DefaultMessageStore store = loadAndStart(root, FlushDiskType.ASYNC_FLUSH);
        System.out.println("READY " + store.getMaxPhyOffset());
        System.out.flush();
        new Writers(store, 64, false, Long.MAX_VALUE).join();
    }
}
