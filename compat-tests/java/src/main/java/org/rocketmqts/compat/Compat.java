package org.rocketmqts.compat;

import java.lang.reflect.Method;

/**
 * The few spots where 4.9 and 5.x client APIs differ in package (classes moved from
 * org.apache.rocketmq.common.protocol to org.apache.rocketmq.remoting.protocol) or argument order:
 * reached by reflection so one source compiles against both.
 */
final class Compat {
    private Compat() {
    }

    static final boolean V5 = exists("org.apache.rocketmq.remoting.protocol.route.TopicRouteData");

    static boolean exists(String cls) {
        try {
            Class.forName(cls, false, Compat.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    static Method method(Object target, String name, int params) {
        for (Method m : target.getClass().getMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == params) {
                return m;
            }
        }
        throw new IllegalStateException("no method " + name + "/" + params + " on " + target.getClass().getName());
    }

    /** DefaultMQPushConsumer.setMessageModel(MessageModel) with the enum of whichever package this client has. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static void setMessageModel(Object consumer, String model) throws Exception {
        Method m = method(consumer, "setMessageModel", 1);
        Class enumType = m.getParameterTypes()[0];
        m.invoke(consumer, Enum.valueOf(enumType, model));
    }

    /** A SubscriptionGroupConfig (package differs by version) for DefaultMQAdminExt. */
    static Object subscriptionGroupConfig(String group, int retryMaxTimes) throws Exception {
        Class<?> c = Class.forName(V5
            ? "org.apache.rocketmq.remoting.protocol.subscription.SubscriptionGroupConfig"
            : "org.apache.rocketmq.common.subscription.SubscriptionGroupConfig");
        Object cfg = c.getDeclaredConstructor().newInstance();
        c.getMethod("setGroupName", String.class).invoke(cfg, group);
        c.getMethod("setRetryMaxTimes", int.class).invoke(cfg, retryMaxTimes);
        return cfg;
    }
}
