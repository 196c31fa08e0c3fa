package main

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/apache/rocketmq-client-go/v2/admin"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// Admin operations of the contract that the Go admin package has no call for.
var adminUnsupported = map[string]bool{
	"topic-stats": true, "consumer-progress": true, "create-sub-group": true,
	"query-by-key": true, "query-by-id": true, "broker-status": true,
}

func runAdmin(a args) {
	if len(a.pos) < 1 {
		fail("admin: missing OP")
	}
	op := a.pos[0]
	if adminUnsupported[op] {
		finish(map[string]interface{}{"ok": false, "unsupported": true,
			"error": "not supported by the Go client: the Go admin package has no call for " + op})
	}
	adm, err := admin.NewAdmin(admin.WithResolver(primitive.NewPassthroughResolver(a.namesrv())))
	if err != nil {
		fail("new admin: %v", err)
	}
	defer adm.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(a.int("timeout-ms", 10000))*time.Millisecond)
	defer cancel()
	var result interface{}
	switch op {
	case "create-topic":
		// The Go admin's CreateTopic sends UPDATE_AND_CREATE_TOPIC to one broker address and
		// has no cluster lookup, so the broker address must be given (--broker, ';'-separated for several).
		brokers := a.str("broker", "")
		if brokers == "" {
			fail("admin create-topic: the Go admin package needs --broker ADDR (it cannot resolve --cluster to brokers)")
		}
		q := a.int("queues", 8)
		for _, b := range strings.Split(brokers, ";") {
			err = adm.CreateTopic(ctx,
				admin.WithTopicCreate(a.need("topic")),
				admin.WithBrokerAddrCreate(b),
				admin.WithReadQueueNums(q),
				admin.WithWriteQueueNums(q),
				admin.WithPerm(a.int("perm", 6)),
				admin.WithOrder(a.flag("order")),
			)
			if err != nil {
				fail("create-topic on %s: %v", b, err)
			}
		}
		// The Go admin's CreateTopic ignores the response code (a broker refusal reads as
		// success), so unless --no-verify the topic must show up in the NameServer's route.
		if a.str("no-verify", "") == "" {
			mqs, verr := waitForRoute(adm, a.need("topic"), time.Duration(a.int("verify-ms", 5000))*time.Millisecond)
			if verr != nil {
				fail("create-topic: the call returned no error but the topic has no route: %v", verr)
			}
			result = map[string]interface{}{"verifiedWriteQueues": len(mqs)}
		}
	case "delete-topic":
		opts := []admin.OptionDelete{admin.WithTopicDelete(a.need("topic"))}
		if b := a.str("broker", ""); b != "" {
			opts = append(opts, admin.WithBrokerAddrDelete(b))
		}
		if c := a.str("cluster", ""); c != "" {
			opts = append(opts, admin.WithClusterName(c))
		}
		if err = adm.DeleteTopic(ctx, opts...); err != nil {
			fail("delete-topic: %v", err)
		}
	case "topic-list":
		tl, err := adm.FetchAllTopicList(ctx)
		if err != nil {
			fail("topic-list: %v", err)
		}
		topics := append([]string(nil), tl.TopicList...)
		sort.Strings(topics)
		result = map[string]interface{}{"topicList": topics, "brokerAddr": tl.BrokerAddr}
	case "topic-route":
		// FetchPublishMessageQueues is the Go admin's only route call: writable queues, no broker addresses.
		mqs, err := adm.FetchPublishMessageQueues(ctx, a.need("topic"))
		if err != nil {
			fail("topic-route: %v", err)
		}
		result = map[string]interface{}{"messageQueues": mqs}
	case "cluster-list":
		// FetchClusterList returns the cluster names in one topic's route; the default
		// topic TBW102 stands in when no --topic is given.
		topic := a.str("topic", "TBW102")
		cl, err := adm.FetchClusterList(topic)
		if err != nil {
			fail("cluster-list: %v", err)
		}
		sort.Strings(cl)
		result = map[string]interface{}{"clusters": cl, "viaTopic": topic}
	case "sub-group-list":
		w, err := adm.GetAllSubscriptionGroup(ctx, a.need("broker"), 5*time.Second)
		if err != nil {
			fail("sub-group-list: %v", err)
		}
		names := make([]string, 0, len(w.SubscriptionGroupTable))
		for k := range w.SubscriptionGroupTable {
			names = append(names, k)
		}
		sort.Strings(names)
		result = map[string]interface{}{"groups": names, "dataVersion": w.DataVersion}
	default:
		fail("admin: unknown OP %q", op)
	}
	finish(map[string]interface{}{"ok": true, "op": op, "result": result})
}

// waitForRoute polls the NameServer for the topic's publish queues (a route is
// only cached once found, so a miss is asked again).
func waitForRoute(adm admin.Admin, topic string, limit time.Duration) ([]*primitive.MessageQueue, error) {
	deadline := time.Now().Add(limit)
	for {
		mqs, err := adm.FetchPublishMessageQueues(context.Background(), topic)
		if err == nil && len(mqs) > 0 {
			return mqs, nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = errors.New("no writable queue")
			}
			return nil, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}
