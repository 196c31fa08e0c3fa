package org.rocketmqts.compat;

import com.google.gson.ExclusionStrategy;
import com.google.gson.FieldAttributes;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** JSON lines on the real stdout (everything else that prints goes to stderr), and report files. */
final class Out {
    private static PrintStream stdout;

    /** Fields whose type is a JDK internal (Random, locks, threads...) cannot be reflected on JDK 17: skip them. */
    private static final ExclusionStrategy SKIP_JDK_INTERNALS = new ExclusionStrategy() {
        @Override
        public boolean shouldSkipField(FieldAttributes f) {
            Class<?> t = f.getDeclaredClass();
            if (t.isPrimitive() || t.isArray() || t.isEnum() || t == String.class || t == Object.class) {
                return false;
            }
            if (Number.class.isAssignableFrom(t) || t == Boolean.class || t == Character.class
                || Map.class.isAssignableFrom(t) || Collection.class.isAssignableFrom(t)
                || t == AtomicLong.class || t == AtomicInteger.class || t == AtomicBoolean.class) {
                return false;
            }
            String n = t.getName();
            return n.startsWith("java.") || n.startsWith("javax.") || n.startsWith("sun.") || n.startsWith("jdk.")
                || n.startsWith("io.netty.") || n.startsWith("com.google.");
        }

        @Override
        public boolean shouldSkipClass(Class<?> clazz) {
            return false;
        }
    };

    /** Maps with object keys (TopicStatsTable, ConsumeStats) become arrays of [key, value] pairs. */
    static final Gson GSON = new GsonBuilder()
        .enableComplexMapKeySerialization()
        .serializeSpecialFloatingPointValues()
        .disableHtmlEscaping()
        .setExclusionStrategies(SKIP_JDK_INTERNALS)
        .create();

    private Out() {
    }

    static void capture() {
        stdout = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.setOut(System.err);
    }

    static synchronized void line(Object o) {
        stdout.println(GSON.toJson(o));
        stdout.flush();
    }

    /**
     * Options of long-running consumers for volume runs: `--progress-ms N` prints
     * {"event":"progress","received":n} every N ms; `--stop-file F` ends the run (result
     * "stopped":true) once the file F exists.
     */
    static final class Control {
        private final java.io.File stopFile;
        private final long progressMs;
        private long nextProgress;
        private int lastReported = -1;
        boolean stopped;

        Control(Args a) {
            String f = a.str("stop-file", null);
            this.stopFile = f == null ? null : new java.io.File(f);
            this.progressMs = a.lng("progress-ms", 0);
            this.nextProgress = System.currentTimeMillis() + progressMs;
        }

        /** Called from the consumer's wait loop: prints progress when due; true once the stop file exists. */
        boolean tick(int received) {
            long now = System.currentTimeMillis();
            if (progressMs > 0 && now >= nextProgress) {
                nextProgress = now + progressMs;
                if (received != lastReported) {
                    lastReported = received;
                    Map<String, Object> e = new java.util.LinkedHashMap<>();
                    e.put("event", "progress");
                    e.put("received", received);
                    line(e);
                }
            }
            if (stopFile != null && stopFile.exists()) {
                stopped = true;
            }
            return stopped;
        }
    }

    static String json(Object o) {
        return GSON.toJson(o);
    }

    /**
     * A JSON-lines report file (`--report FILE`; a no-op when no file was asked for), flushed every 200 ms
     * so a test can read what a running driver has seen so far.
     */
    static final class Report implements AutoCloseable {
        private final BufferedWriter w;
        private boolean closed;

        Report(String path) throws IOException {
            this.w = path == null ? null
                : new BufferedWriter(new OutputStreamWriter(new FileOutputStream(path, false), StandardCharsets.UTF_8));
            if (w != null) {
                Thread flusher = new Thread(this::flushPeriodically, "report-flush");
                flusher.setDaemon(true);
                flusher.start();
            }
        }

        private void flushPeriodically() {
            for (;;) {
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (closed) {
                        return;
                    }
                    try {
                        w.flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            }
        }

        synchronized void add(Object o) {
            if (w == null) {
                return;
            }
            try {
                w.write(GSON.toJson(o));
                w.write('\n');
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (w != null && !closed) {
                closed = true;
                w.close();
            }
        }
    }
}
