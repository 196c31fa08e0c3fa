package org.rocketmqts.compat;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.rocketmq.client.ClientConfig;

/**
 * Compat driver over the official Java client: `driver <subcommand> --namesrv HOST:PORT [options]`.
 * Stdout carries JSON lines only (notes/driver-contract.md); the last line is the result.
 */
public final class Driver {
    private Driver() {
    }

    public static void main(String[] argv) {
        if (System.getProperty("rocketmq.client.logRoot") == null) {
            System.setProperty("rocketmq.client.logRoot", System.getProperty("java.io.tmpdir") + "/rocketmq-compat-logs");
        }
        if (System.getProperty("rocketmq.client.logLevel") == null) {
            System.setProperty("rocketmq.client.logLevel", "WARN");
        }
        Out.capture();
        Map<String, Object> result;
        Args args;
        try {
            args = new Args(argv);
            switch (args.command) {
                case "produce":
                    result = Produce.run(args);
                    break;
                case "consume":
                    result = Consume.run(args);
                    break;
                case "lite-pull":
                    result = LitePull.run(args);
                    break;
                case "tx-produce":
                    result = TxProduce.run(args);
                    break;
                case "admin":
                    result = Admin.run(args);
                    break;
                case "orderly-watch":
                    result = OrderlyWatch.watch(args);
                    break;
                case "ordered-feed":
                    result = OrderlyWatch.feed(args);
                    break;
                case "first-send":
                    result = FirstSend.run(args);
                    break;
                case "version":
                    result = new LinkedHashMap<>();
                    result.put("ok", true);
                    result.put("clientVersion", org.apache.rocketmq.common.MQVersion.getVersionDesc(
                        org.apache.rocketmq.common.MQVersion.CURRENT_VERSION));
                    break;
                default:
                    throw new IllegalArgumentException("unknown subcommand '" + args.command
                        + "' (produce|consume|lite-pull|tx-produce|admin|orderly-watch|ordered-feed|first-send|version)");
            }
        } catch (Throwable t) {
            t.printStackTrace(System.err);
            result = new LinkedHashMap<>();
            result.put("ok", false);
            result.put("error", t.getClass().getSimpleName() + ": " + t.getMessage());
        }
        Out.line(result);
        Runtime.getRuntime().halt(Boolean.TRUE.equals(result.get("ok")) ? 0 : 1);
    }

    /** Settings every client gets: namesrv, a unique instance, short timeouts. */
    static void configure(ClientConfig c, Args args) {
        c.setNamesrvAddr(args.required("namesrv"));
        c.setInstanceName("compat-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8));
        // 10 s rather than the client's 3 s: on a loaded 2-core CI machine a JVM that is still starting
        // can miss 3 s for its first route query, against any broker (the reference too)
        c.setMqClientApiTimeout(args.integer("api-timeout-ms", 10000));
        c.setPollNameServerInterval(args.integer("poll-namesrv-ms", 2000));
        c.setHeartbeatBrokerInterval(args.integer("heartbeat-ms", 2000));
        c.setPersistConsumerOffsetInterval(args.integer("persist-offset-ms", 1000));
    }

    static String runId(Args args) {
        return args.str("run-id", UUID.randomUUID().toString().replace("-", "").substring(0, 10));
    }

    /** Runs `action` on another thread and gives up after `ms` (client shutdowns can block on dead peers). */
    static void bounded(Runnable action, long ms) {
        Thread t = new Thread(action, "bounded");
        t.setDaemon(true);
        t.start();
        try {
            t.join(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
