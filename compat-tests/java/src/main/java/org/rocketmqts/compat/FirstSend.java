package org.rocketmqts.compat;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.rocketmq.client.producer.DefaultMQProducer;
import org.apache.rocketmq.client.producer.SendResult;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.common.message.Message;

/**
 * `first-send`: a stock producer started before the servers exist, sending one message every
 * --interval-ms (default 20) until the first SEND_OK or --deadline-ms (default 60000). Prints
 * {"event":"ready"} once the producer has started (the JVM is warm, nothing reachable yet), then
 * {"ok":true,"firstSendAt":epochMs,"attempts":n,"lastError":...}. Used to time how soon a freshly
 * started NameServer + Broker accept a send.
 */
final class FirstSend {
    private FirstSend() {
    }

    static Map<String, Object> run(Args a) throws Exception {
        String topic = a.required("topic");
        long interval = a.lng("interval-ms", 20);
        long deadlineMs = a.lng("deadline-ms", 60000);
        DefaultMQProducer p = new DefaultMQProducer(a.str("group", "first_send_pg"));
        Driver.configure(p, a);
        p.setSendMsgTimeout(a.integer("send-timeout-ms", 1000));
        p.setRetryTimesWhenSendFailed(0);
        p.start();
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("event", "ready");
        ready.put("at", System.currentTimeMillis());
        Out.line(ready);
        long end = System.currentTimeMillis() + deadlineMs;
        int attempts = 0;
        String lastError = null;
        Map<String, Object> r = new LinkedHashMap<>();
        try {
            while (System.currentTimeMillis() < end) {
                attempts++;
                long at = System.currentTimeMillis();
                try {
                    Message m = new Message(topic, "first", ("first-send:" + attempts).getBytes(StandardCharsets.UTF_8));
                    SendResult s = p.send(m);
                    if (s.getSendStatus() == SendStatus.SEND_OK) {
                        r.put("ok", true);
                        r.put("firstSendAt", System.currentTimeMillis());
                        r.put("attemptStartedAt", at);
                        r.put("attempts", attempts);
                        r.put("msgId", s.getMsgId());
                        r.put("lastError", lastError);
                        return r;
                    }
                    lastError = "status " + s.getSendStatus();
                } catch (Exception e) {
                    lastError = e.getClass().getSimpleName() + ": " + String.valueOf(e.getMessage()).split("\n")[0];
                }
                Thread.sleep(interval);
            }
            r.put("ok", false);
            r.put("attempts", attempts);
            r.put("error", "no SEND_OK within " + deadlineMs + " ms; last error: " + lastError);
            return r;
        } finally {
            Driver.bounded(p::shutdown, 3000);
        }
    }
}
