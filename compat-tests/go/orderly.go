package main

// Orderly consumption across a rebalance (compat-tests/ordered.test.ts, ordered-rebalance).
//
// orderly-watch --topic T --group G --id NAME [--run-ms 60000] [--stop-file F] [--sleep-ms 5] [--report FILE]:
// an orderly PushConsumer (from first) that records, per listener call, who consumed which
// queue/offset/i and when the listener started and finished (microseconds), and runs until --run-ms
// passed or --stop-file exists; then it shuts down. Events {"event":"ready","at"}, {"event":"stopping","at"};
// result {"ok","id","consumed","readyAt","stoppingAt","stoppedAt"}. (The Go client does not expose
// its process queue table, so there are no "queues" events.)
//
// ordered-feed --topic T --count N [--interval-ms 40] [--size 64] [--stop-file F] [--report FILE]: prints
// {"event":"ready","at"} once started, then sends message i at start + i*interval with a queue selector
// (queue = (i % 8) % queues), one at a time, until N were sent or F exists.

import (
	"context"
	"os"
	"sync/atomic"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

func nowMs() int64 { return time.Now().UnixMilli() }

func runOrderlyWatch(a args) {
	topic := a.need("topic")
	id := a.str("id", "c")
	runFor := time.Duration(a.int("run-ms", 60000)) * time.Millisecond
	stopFile := a.str("stop-file", "")
	sleep := time.Duration(a.int("sleep-ms", 5)) * time.Millisecond
	c, err := rocketmq.NewPushConsumer(
		consumer.WithNameServer(a.namesrv()),
		consumer.WithGroupName(a.need("group")),
		consumer.WithConsumerModel(consumer.Clustering),
		consumer.WithConsumerOrder(true),
		consumer.WithConsumeMessageBatchMaxSize(1),
		consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset),
	)
	if err != nil {
		fail("new push consumer: %v", err)
	}
	rep := openReport(a.str("report", ""))
	var consumed int64
	handler := func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		start := time.Now().UnixMicro()
		time.Sleep(sleep)
		end := time.Now().UnixMicro()
		for _, m := range msgs {
			o := extReport(m)
			o["who"] = id
			o["startUs"] = start
			o["endUs"] = end
			o["batch"] = len(msgs)
			o["receivedAt"] = end / 1000
			rep.write(o)
			atomic.AddInt64(&consumed, 1)
		}
		return consumer.ConsumeSuccess, nil
	}
	if err := c.Subscribe(topic, consumer.MessageSelector{Type: consumer.TAG, Expression: "*"}, handler); err != nil {
		fail("subscribe: %v", err)
	}
	t0 := time.Now()
	if err := c.Start(); err != nil {
		fail("start push consumer: %v", err)
	}
	readyAt := nowMs()
	emit(map[string]interface{}{"event": "ready", "at": readyAt})
	for time.Since(t0) < runFor {
		if stopFile != "" {
			if _, err := os.Stat(stopFile); err == nil {
				break
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	stoppingAt := nowMs()
	emit(map[string]interface{}{"event": "stopping", "at": stoppingAt})
	_ = c.Shutdown()
	stoppedAt := nowMs()
	rep.close()
	finish(map[string]interface{}{
		"ok":         true,
		"id":         id,
		"consumed":   atomic.LoadInt64(&consumed),
		"readyAt":    readyAt,
		"stoppingAt": stoppingAt,
		"stoppedAt":  stoppedAt,
	})
}

// keySelector picks queue = key % len(queues), the key being i % 8 carried in a property-free map.
type keySelector struct{ key int }

func (s *keySelector) Select(_ *primitive.Message, mqs []*primitive.MessageQueue, _ string) *primitive.MessageQueue {
	return mqs[s.key%len(mqs)]
}

func runOrderedFeed(a args) {
	topic := a.need("topic")
	count := a.int("count", 100)
	interval := time.Duration(a.int("interval-ms", 40)) * time.Millisecond
	size := a.int("size", 64)
	stopFile := a.str("stop-file", "")
	stopped := func() bool {
		if stopFile == "" {
			return false
		}
		_, err := os.Stat(stopFile)
		return err == nil
	}
	runID := a.str("run-id", randomRunID())
	// one send at a time: the selector's key is set right before each send
	sel := &keySelector{}
	p, err := rocketmq.NewProducer(
		producer.WithNameServer(a.namesrv()),
		producer.WithGroupName(a.str("group", "GO_DRIVER_FEED")),
		producer.WithRetry(2),
		producer.WithSendMsgTimeout(time.Duration(a.int("send-timeout-ms", 3000))*time.Millisecond),
		producer.WithQueueSelector(sel),
	)
	if err != nil {
		fail("new producer: %v", err)
	}
	if err := p.Start(); err != nil {
		fail("start producer: %v", err)
	}
	rep := openReport(a.str("report", ""))
	sent, failed := 0, 0
	firstErr := ""
	emit(map[string]interface{}{"event": "ready", "at": nowMs()})
	start := time.Now()
	for i := 0; i < count && !stopped(); i++ {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			time.Sleep(wait)
		}
		sel.key = i % 8
		m := primitive.NewMessage(topic, makeBody(runID, i, size))
		r, err := p.SendSync(context.Background(), m)
		if err != nil {
			failed++
			if firstErr == "" {
				firstErr = err.Error()
			}
			rep.write(map[string]interface{}{"i": i, "error": err.Error()})
			continue
		}
		sent++
		o := map[string]interface{}{"i": i, "queueOffset": r.QueueOffset, "msgId": r.MsgID, "sentAt": nowMs()}
		if r.MessageQueue != nil {
			o["queueId"] = r.MessageQueue.QueueId
		}
		rep.write(o)
	}
	el := time.Since(start)
	_ = p.Shutdown()
	rep.close()
	res := map[string]interface{}{
		"ok":        failed == 0 && (sent == count || stopped()),
		"sent":      sent,
		"failed":    failed,
		"runId":     runID,
		"elapsedMs": el.Milliseconds(),
	}
	if firstErr != "" {
		res["error"] = firstErr
	}
	finish(res)
}
