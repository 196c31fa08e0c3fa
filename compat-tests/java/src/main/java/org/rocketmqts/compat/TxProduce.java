package org.rocketmqts.compat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.rocketmq.client.producer.LocalTransactionState;
import org.apache.rocketmq.client.producer.SendStatus;
import org.apache.rocketmq.client.producer.TransactionListener;
import org.apache.rocketmq.client.producer.TransactionMQProducer;
import org.apache.rocketmq.client.producer.TransactionSendResult;
import org.apache.rocketmq.common.message.Message;
import org.apache.rocketmq.common.message.MessageExt;

/**
 * `tx-produce`: half messages whose local transaction commits, rolls back, or answers UNKNOW
 * so that the broker's check-back decides (check-commit | check-rollback).
 */
final class TxProduce {
    private TxProduce() {
    }

    static Map<String, Object> run(Args a) throws Exception {
        String outcome = a.required("outcome");
        int count = a.integer("count", 1);
        boolean check = outcome.startsWith("check-");
        LocalTransactionState local;
        switch (outcome) {
            case "commit":
                local = LocalTransactionState.COMMIT_MESSAGE;
                break;
            case "rollback":
                local = LocalTransactionState.ROLLBACK_MESSAGE;
                break;
            case "check-commit":
            case "check-rollback":
                local = LocalTransactionState.UNKNOW;
                break;
            default:
                throw new IllegalArgumentException("bad --outcome " + outcome);
        }
        LocalTransactionState checked = outcome.equals("check-rollback")
            ? LocalTransactionState.ROLLBACK_MESSAGE : LocalTransactionState.COMMIT_MESSAGE;
        Set<String> checkedIds = ConcurrentHashMap.newKeySet();
        String runId = Driver.runId(a);
        TransactionMQProducer p = new TransactionMQProducer(a.str("group", "compat_tx_" + UUID.randomUUID().toString().substring(0, 8)));
        Driver.configure(p, a);
        p.setSendMsgTimeout(a.integer("send-timeout-ms", 8000));
        p.setTransactionListener(new TransactionListener() {
            @Override
            public LocalTransactionState executeLocalTransaction(Message msg, Object arg) {
                return local;
            }

            @Override
            public LocalTransactionState checkLocalTransaction(MessageExt msg) {
                checkedIds.add(msg.getTransactionId() != null ? msg.getTransactionId() : msg.getMsgId());
                return checked;
            }
        });
        int sent = 0;
        List<String> errors = new ArrayList<>();
        long t0 = System.currentTimeMillis();
        try (Out.Report report = new Out.Report(a.str("report", null))) {
            p.start();
            for (int i = 0; i < count; i++) {
                Message m = Produce.message(a, runId, i);
                try {
                    TransactionSendResult r = p.sendMessageInTransaction(m, null);
                    if (r.getSendStatus() == SendStatus.SEND_OK) {
                        sent++;
                    } else {
                        errors.add("send status " + r.getSendStatus());
                    }
                    Map<String, Object> o = Produce.sent(i, r, m);
                    o.put("localTransactionState", String.valueOf(r.getLocalTransactionState()));
                    o.put("transactionId", r.getTransactionId());
                    report.add(o);
                } catch (Exception e) {
                    Produce.note(errors, e);
                }
            }
            if (check) {
                long deadline = System.currentTimeMillis() + a.lng("check-timeout-ms", 45000);
                while (checkedIds.size() < sent && System.currentTimeMillis() < deadline) {
                    Thread.sleep(100);
                }
                // give the broker a moment to receive the END_TRANSACTION of the last check
                Thread.sleep(500);
            }
        }
        Driver.bounded(p::shutdown, 3000);
        Map<String, Object> r = new LinkedHashMap<>();
        boolean ok = sent == count && (!check || checkedIds.size() >= count);
        r.put("ok", ok);
        r.put("sent", sent);
        r.put("failed", count - sent);
        r.put("checked", checkedIds.size());
        r.put("runId", runId);
        r.put("elapsedMs", System.currentTimeMillis() - t0);
        if (!ok) {
            r.put("error", errors.isEmpty() ? ("checked " + checkedIds.size() + " of " + count) : errors.get(0));
        }
        return r;
    }
}
