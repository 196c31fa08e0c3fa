package org.rocketmqts.compat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.HdrHistogram.Histogram;
import org.apache.rocketmq.common.message.MessageClientExt;
import org.apache.rocketmq.common.message.MessageConst;
import org.apache.rocketmq.common.message.MessageExt;

/** Deterministic bodies, per-message report objects and latency summaries. */
final class Msgs {
    private Msgs() {
    }

    /** Body of message i: "<runId>:<i>:" then 'x' up to size bytes (truncated when size is shorter). */
    static byte[] body(String runId, int i, int size) {
        byte[] head = (runId + ":" + i + ":").getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'x');
        System.arraycopy(head, 0, b, 0, Math.min(head.length, size));
        return b;
    }

    static long crc32(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b, 0, b.length);
        return c.getValue();
    }

    static String props(String spec, int i) {
        return spec == null ? null : spec.replace("{i}", Integer.toString(i));
    }

    /** i, runId and bodyOk parsed from a body of ours ("<runId>:<i>:..."); empty for other bodies. */
    static Map<String, Object> identity(MessageExt m) {
        Map<String, Object> r = new LinkedHashMap<>();
        byte[] body = m.getBody() == null ? new byte[0] : m.getBody();
        String text = new String(body, 0, Math.min(body.length, 96), StandardCharsets.US_ASCII);
        String[] parts = text.split(":", 3);
        if (parts.length >= 3) {
            try {
                int i = Integer.parseInt(parts[1]);
                r.put("i", i);
                r.put("runId", parts[0]);
                r.put("bodyOk", Arrays.equals(body, body(parts[0], i, body.length)));
            } catch (NumberFormatException ignored) {
                // not one of ours
            }
        }
        return r;
    }

    /** The contract's per-message report object for a received or queried message. */
    static Map<String, Object> report(MessageExt m) {
        Map<String, Object> r = identity(m);
        byte[] body = m.getBody() == null ? new byte[0] : m.getBody();
        r.put("topic", m.getTopic());
        r.put("queueId", m.getQueueId());
        r.put("queueOffset", m.getQueueOffset());
        r.put("msgId", m.getMsgId());
        if (m instanceof MessageClientExt) {
            r.put("offsetMsgId", ((MessageClientExt) m).getOffsetMsgId());
        }
        r.put("keys", m.getKeys());
        r.put("tags", m.getTags());
        Map<String, String> user = new LinkedHashMap<>();
        if (m.getProperties() != null) {
            for (Map.Entry<String, String> e : m.getProperties().entrySet()) {
                if (!MessageConst.STRING_HASH_SET.contains(e.getKey())) {
                    user.put(e.getKey(), e.getValue());
                }
            }
        }
        r.put("props", user);
        r.put("bodyLen", body.length);
        r.put("bodyCrc32", crc32(body));
        r.put("reconsumeTimes", m.getReconsumeTimes());
        r.put("storeTimestamp", m.getStoreTimestamp());
        r.put("bornTimestamp", m.getBornTimestamp());
        r.put("brokerName", m.getBrokerName());
        String delay = m.getProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL);
        if (delay != null) {
            r.put("delayLevel", Integer.parseInt(delay));
        }
        r.put("receivedAt", System.currentTimeMillis());
        return r;
    }

    /**
     * The short report object (`--report-format slim`) for runs of many messages: run, index, queue,
     * offset, tags, body check and reconsume count only.
     */
    static Map<String, Object> slim(MessageExt m) {
        Map<String, Object> r = identity(m);
        r.put("queueId", m.getQueueId());
        r.put("queueOffset", m.getQueueOffset());
        r.put("tags", m.getTags());
        r.put("reconsumeTimes", m.getReconsumeTimes());
        return r;
    }

    /** The report object `--report-format` asks for (full by default). */
    static Map<String, Object> report(MessageExt m, boolean slim) {
        return slim ? slim(m) : report(m);
    }

    static Map<String, Object> latency(Histogram h) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("p50", h.getValueAtPercentile(50));
        r.put("p99", h.getValueAtPercentile(99));
        r.put("p999", h.getValueAtPercentile(99.9));
        r.put("max", h.getMaxValue());
        return r;
    }
}
