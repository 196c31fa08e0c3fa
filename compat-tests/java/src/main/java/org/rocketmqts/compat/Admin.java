package org.rocketmqts.compat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.rocketmq.client.QueryResult;
import org.apache.rocketmq.common.TopicConfig;
import org.apache.rocketmq.common.message.MessageExt;
import org.apache.rocketmq.tools.admin.DefaultMQAdminExt;
import org.apache.rocketmq.tools.command.CommandUtil;

/** `admin OP`: DefaultMQAdminExt calls; the result is `{"ok":true,"result":<return value as JSON>}`. */
final class Admin {
    private Admin() {
    }

    static Map<String, Object> run(Args a) throws Exception {
        if (a.op == null) {
            throw new IllegalArgumentException("admin needs an operation");
        }
        DefaultMQAdminExt admin = new DefaultMQAdminExt(a.lng("timeout-ms", 5000));
        Driver.configure(admin, a);
        admin.start();
        Object result;
        try {
            result = call(admin, a);
        } finally {
            Driver.bounded(admin::shutdown, 3000);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", true);
        // a JSON tree, so the result line holds the values as written (no int to double drift)
        r.put("result", Out.GSON.toJsonTree(result));
        return r;
    }

    static Set<String> masters(DefaultMQAdminExt admin, String cluster) throws Exception {
        Set<String> addrs = CommandUtil.fetchMasterAddrByClusterName(admin, cluster);
        if (addrs.isEmpty()) {
            throw new IllegalStateException("no master broker in cluster " + cluster);
        }
        return new TreeSet<>(addrs);
    }

    static Object call(DefaultMQAdminExt admin, Args a) throws Exception {
        switch (a.op) {
            case "create-topic": {
                TopicConfig tc = new TopicConfig(a.required("topic"));
                int q = a.integer("queues", 8);
                tc.setReadQueueNums(q);
                tc.setWriteQueueNums(q);
                tc.setPerm(6);
                tc.setOrder(a.flag("order"));
                Set<String> addrs = masters(admin, a.str("cluster", "DefaultCluster"));
                for (String addr : addrs) {
                    admin.createAndUpdateTopicConfig(addr, tc);
                }
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("brokers", addrs);
                o.put("topicConfig", tc);
                return o;
            }
            case "delete-topic": {
                String topic = a.required("topic");
                String cluster = a.str("cluster", "DefaultCluster");
                Set<String> addrs = masters(admin, cluster);
                admin.deleteTopicInBroker(addrs, topic);
                Set<String> ns = new TreeSet<>(admin.getNameServerAddressList());
                // 4.9: (addrs, topic, cluster); 5.x: (addrs, cluster, topic)
                if (Compat.V5) {
                    Compat.method(admin, "deleteTopicInNameServer", 3).invoke(admin, ns, cluster, topic);
                } else {
                    Compat.method(admin, "deleteTopicInNameServer", 3).invoke(admin, ns, topic, cluster);
                }
                return Collections.singletonMap("brokers", addrs);
            }
            case "topic-route":
                return admin.examineTopicRouteInfo(a.required("topic"));
            case "topic-list":
                return admin.fetchAllTopicList();
            case "cluster-list":
                return admin.examineBrokerClusterInfo();
            case "topic-stats":
                return admin.examineTopicStats(a.required("topic"));
            case "consumer-progress":
                return admin.examineConsumeStats(a.required("group"));
            case "create-sub-group": {
                Object cfg = Compat.subscriptionGroupConfig(a.required("group"), a.integer("retry-max-times", 16));
                Set<String> addrs = masters(admin, a.str("cluster", "DefaultCluster"));
                for (String addr : addrs) {
                    Compat.method(admin, "createAndUpdateSubscriptionGroupConfig", 2).invoke(admin, addr, cfg);
                }
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("brokers", addrs);
                o.put("subscriptionGroupConfig", cfg);
                return o;
            }
            case "query-by-key": {
                QueryResult qr = admin.queryMessage(a.required("topic"), a.required("key"), a.integer("max", 32), 0, Long.MAX_VALUE);
                List<Map<String, Object>> msgs = new ArrayList<>();
                for (MessageExt m : qr.getMessageList()) {
                    msgs.add(Msgs.report(m));
                }
                return msgs;
            }
            case "query-by-id":
                return Msgs.report(admin.viewMessage(a.required("topic"), a.required("id")));
            case "broker-status": {
                String addr = a.str("broker", null);
                if (addr == null) {
                    addr = masters(admin, a.str("cluster", "DefaultCluster")).iterator().next();
                }
                return admin.fetchBrokerRuntimeStats(addr);
            }
            default:
                throw new IllegalArgumentException("unknown admin op " + a.op);
        }
    }
}
