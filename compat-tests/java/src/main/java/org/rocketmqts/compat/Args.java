package org.rocketmqts.compat;

import java.util.HashMap;
import java.util.Map;

/** `--key value` / `--flag` command-line options (see notes/driver-contract.md). */
final class Args {
    final String command;
    final String op;
    private final Map<String, String> values = new HashMap<>();

    Args(String[] argv) {
        String cmd = null;
        String sub = null;
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.startsWith("--")) {
                String key = a.substring(2);
                String val = "true";
                int eq = key.indexOf('=');
                if (eq >= 0) {
                    val = key.substring(eq + 1);
                    key = key.substring(0, eq);
                } else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) {
                    val = argv[++i];
                }
                values.put(key, val);
            } else if (cmd == null) {
                cmd = a;
            } else if (sub == null) {
                sub = a;
            } else {
                throw new IllegalArgumentException("unexpected argument: " + a);
            }
        }
        this.command = cmd == null ? "" : cmd;
        this.op = sub;
    }

    String str(String key, String def) {
        String v = values.get(key);
        return v == null ? def : v;
    }

    String required(String key) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("missing --" + key);
        }
        return v;
    }

    int integer(String key, int def) {
        String v = values.get(key);
        return v == null ? def : Integer.parseInt(v);
    }

    long lng(String key, long def) {
        String v = values.get(key);
        return v == null ? def : Long.parseLong(v);
    }

    boolean flag(String key) {
        String v = values.get(key);
        return v != null && !v.equals("false");
    }

    boolean has(String key) {
        return values.containsKey(key);
    }
}
