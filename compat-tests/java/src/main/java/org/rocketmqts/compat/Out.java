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

    static String json(Object o) {
        return GSON.toJson(o);
    }

    /** A JSON-lines report file (`--report FILE`); a no-op when no file was asked for. */
    static final class Report implements AutoCloseable {
        private final BufferedWriter w;

        Report(String path) throws IOException {
            this.w = path == null ? null
                : new BufferedWriter(new OutputStreamWriter(new FileOutputStream(path, false), StandardCharsets.UTF_8));
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
            if (w != null) {
                w.close();
            }
        }
    }
}
