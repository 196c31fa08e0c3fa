package main

import (
	"context"
	"fmt"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
)

// runLitePull uses the Go client's PullConsumer (Poll/ACK), its counterpart of
// Java's DefaultLitePullConsumer: subscribe mode by default, --assign for
// explicit queue assignment of every queue of the topic.
func runLitePull(a args) {
	topic := a.need("topic")
	group := a.need("group")
	count := a.int("count", 1)
	timeout := time.Duration(a.int("timeout-ms", 60000)) * time.Millisecond
	assign := a.flag("assign")
	opts := []consumer.Option{
		consumer.WithNameServer(a.namesrv()),
		consumer.WithGroupName(group),
	}
	opts = append(opts, fromWhere(a.str("from", "last"))...)
	c, err := rocketmq.NewPullConsumer(opts...)
	if err != nil {
		fail("new pull consumer: %v", err)
	}
	if assign {
		// the client needs a topic before Start; the queues come after it has a route
		if err := c.Assign(topic, nil); err != nil {
			fail("assign: %v", err)
		}
	} else if err := c.Subscribe(topic, selectorOf(a)); err != nil {
		fail("subscribe: %v", err)
	}
	start := time.Now()
	if err := c.Start(); err != nil {
		fail("start pull consumer: %v", err)
	}
	assigned := 0
	if assign {
		mqs, err := c.GetTopicRouteInfo(topic)
		if err != nil {
			fail("topic route: %v", err)
		}
		if err := c.Assign(topic, mqs); err != nil {
			fail("assign: %v", err)
		}
		assigned = len(mqs)
	}
	emitReady()
	rep := openReport(a.str("report", ""))
	tr := newTracker(count, a.str("run-id", ""), rep)
	tr.slim = a.str("report-format", "full") == "slim"
	ctl := newControl(a)
	deadline := time.Now().Add(timeout)
	var lastErr error
	for time.Now().Before(deadline) {
		if ctl.tick(tr.count()) {
			break
		}
		select {
		case <-tr.done:
			deadline = time.Now()
			continue
		default:
		}
		wait := time.Until(deadline)
		if wait > time.Second {
			wait = time.Second
		}
		cr, err := c.Poll(context.Background(), wait)
		if consumer.IsNoNewMsgError(err) {
			continue
		}
		if err != nil {
			lastErr = err
			time.Sleep(100 * time.Millisecond)
			continue
		}
		for _, m := range cr.GetMsgList() {
			tr.note(m, false, nil)
		}
		c.ACK(context.Background(), cr, consumer.ConsumeSuccess)
	}
	res := tr.result(start)
	if ctl.stopped {
		// a run ended by --stop-file is ok: the caller decided it had what it waited for
		res["ok"] = true
		res["stopped"] = true
	}
	if assign {
		res["assignedQueues"] = assigned
	}
	_ = c.Shutdown()
	rep.close()
	if ok, _ := res["ok"].(bool); !ok {
		msg := fmt.Sprintf("received %d of %d before the %v timeout", res["received"], count, timeout)
		if lastErr != nil {
			msg += "; last poll error: " + lastErr.Error()
		}
		res["error"] = msg
	}
	finish(res)
}
