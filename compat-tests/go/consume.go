package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/consumer"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

// fromWhere maps --from first|last|timestamp:MS to the client's options.
func fromWhere(s string) []consumer.Option {
	switch {
	case s == "first":
		return []consumer.Option{consumer.WithConsumeFromWhere(consumer.ConsumeFromFirstOffset)}
	case s == "last":
		return []consumer.Option{consumer.WithConsumeFromWhere(consumer.ConsumeFromLastOffset)}
	case strings.HasPrefix(s, "timestamp:"):
		ms, err := strconv.ParseInt(strings.TrimPrefix(s, "timestamp:"), 10, 64)
		if err != nil {
			fail("--from %q: bad timestamp", s)
		}
		// The Go client parses this "yyyyMMddHHmmss" string as UTC (second resolution).
		ts := time.UnixMilli(ms).UTC().Format("20060102150405")
		return []consumer.Option{
			consumer.WithConsumeFromWhere(consumer.ConsumeFromTimestamp),
			consumer.WithConsumeTimestamp(ts),
		}
	}
	fail("--from %q: expected first|last|timestamp:MS", s)
	return nil
}

func selectorOf(a args) consumer.MessageSelector {
	if sql := a.str("sql", ""); sql != "" {
		return consumer.MessageSelector{Type: consumer.SQL92, Expression: sql}
	}
	return consumer.MessageSelector{Type: consumer.TAG, Expression: a.str("tag-expr", "*")}
}

// receiveTracker counts distinct successfully consumed messages and writes the report.
type receiveTracker struct {
	mu                                           sync.Mutex
	want                                         int
	runID                                        string
	seen                                         map[string]bool
	received, deliveries, retried, dups, foreign int
	rep                                          *reportWriter
	slim                                         bool // --report-format slim
	done                                         chan struct{}
	closed                                       bool
}

func newTracker(want int, runID string, rep *reportWriter) *receiveTracker {
	return &receiveTracker{want: want, runID: runID, seen: map[string]bool{}, rep: rep, done: make(chan struct{})}
}

func msgKey(m *primitive.MessageExt) string {
	if m.MsgId != "" {
		return m.MsgId
	}
	q := -1
	if m.Queue != nil {
		q = m.Queue.QueueId
	}
	return fmt.Sprintf("%s/%d/%d", m.Topic, q, m.QueueOffset)
}

// foreignMsg reports whether a body belongs to another run (only with --run-id).
func (t *receiveTracker) foreignMsg(m *primitive.MessageExt) bool {
	if t.runID == "" {
		return false
	}
	run, _, ok := parseBody(m.Body)
	return !ok || run != t.runID
}

// note records one delivery; later=true means the handler asked for redelivery.
func (t *receiveTracker) note(m *primitive.MessageExt, later bool, extra map[string]interface{}) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.deliveries++
	if t.foreignMsg(m) {
		t.foreign++
		return
	}
	var o map[string]interface{}
	if t.slim {
		o = slimReport(m)
	} else {
		o = extReport(m)
	}
	for k, v := range extra {
		o[k] = v
	}
	if !t.slim {
		o["seq"] = t.deliveries
	}
	if later {
		t.retried++
		o["result"] = "later"
	} else {
		if !t.slim {
			o["result"] = "success"
		}
		k := msgKey(m)
		if t.seen[k] {
			t.dups++
			o["dup"] = true
		} else {
			t.seen[k] = true
			t.received++
		}
	}
	t.rep.write(o)
	if t.received >= t.want && !t.closed {
		t.closed = true
		close(t.done)
	}
}

func (t *receiveTracker) count() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.received
}

// waitDone waits until the count was reached, the timeout passed or the control's stop file appeared.
func (t *receiveTracker) waitDone(ctl *control, timeout time.Duration, each func()) bool {
	deadline := time.After(timeout)
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-t.done:
			return true
		case <-deadline:
			return false
		case <-tick.C:
			if each != nil {
				each()
			}
			if ctl.tick(t.count()) {
				return false
			}
		}
	}
}

func (t *receiveTracker) result(start time.Time) map[string]interface{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	return map[string]interface{}{
		"ok":         t.received >= t.want,
		"received":   t.received,
		"deliveries": t.deliveries,
		"retried":    t.retried,
		"duplicates": t.dups,
		"foreign":    t.foreign,
		"elapsedMs":  elapsedMs(start),
	}
}

func runConsume(a args) {
	topic := a.need("topic")
	group := a.need("group")
	count := a.int("count", 1)
	timeout := time.Duration(a.int("timeout-ms", 60000)) * time.Millisecond
	orderly := a.flag("orderly")
	later := a.int("reconsume-later", 0)
	opts := []consumer.Option{
		consumer.WithNameServer(a.namesrv()),
		consumer.WithGroupName(group),
		consumer.WithConsumeMessageBatchMaxSize(1),
		consumer.WithConsumerOrder(orderly),
	}
	switch a.str("model", "clustering") {
	case "clustering":
		opts = append(opts, consumer.WithConsumerModel(consumer.Clustering))
	case "broadcasting":
		opts = append(opts, consumer.WithConsumerModel(consumer.BroadCasting))
	default:
		fail("--model must be clustering|broadcasting")
	}
	opts = append(opts, fromWhere(a.str("from", "last"))...)
	if _, ok := a.opts["max-reconsume-times"]; ok {
		opts = append(opts, consumer.WithMaxReconsumeTimes(int32(a.int("max-reconsume-times", 16))))
	}
	share := &queueShare{topic: topic, n: -1, announced: -1}
	opts = append(opts, consumer.WithStrategy(share.allocate))
	c, err := rocketmq.NewPushConsumer(opts...)
	if err != nil {
		fail("new push consumer: %v", err)
	}
	rep := openReport(a.str("report", ""))
	tr := newTracker(count, a.str("run-id", ""), rep)
	tr.slim = a.str("report-format", "full") == "slim"
	ctl := newControl(a)
	retry := consumer.ConsumeRetryLater
	if orderly {
		retry = consumer.SuspendCurrentQueueAMoment
	}
	handler := func(_ context.Context, msgs ...*primitive.MessageExt) (consumer.ConsumeResult, error) {
		res := consumer.ConsumeSuccess
		for _, m := range msgs {
			if int(m.ReconsumeTimes) < later && !tr.foreignMsg(m) {
				res = retry
			}
		}
		for _, m := range msgs {
			tr.note(m, res != consumer.ConsumeSuccess, nil)
		}
		return res, nil
	}
	if err := c.Subscribe(topic, selectorOf(a), handler); err != nil {
		fail("subscribe: %v", err)
	}
	start := time.Now()
	if err := c.Start(); err != nil {
		fail("start push consumer: %v", err)
	}
	emitReady()
	share.emitChanges()
	if tr.waitDone(ctl, timeout, share.emitChanges) || ctl.stopped {
		// Let the client record the last consumed offset before Shutdown persists it.
		// Shutdown's commits are one-way writes right before the sockets close, and the
		// broker can lose them; --persist-wait-ms 5500 outlasts the client's 5 s periodic
		// commit so offsets are stored while the connection is still open.
		time.Sleep(time.Duration(a.int("persist-wait-ms", 300)) * time.Millisecond)
	}
	res := tr.result(start)
	if ctl.stopped {
		// a run ended by --stop-file is ok: the caller decided it had what it waited for
		res["ok"] = true
		res["stopped"] = true
	}
	_ = c.Shutdown()
	rep.close()
	if ok, _ := res["ok"].(bool); !ok {
		res["error"] = fmt.Sprintf("received %d of %d before the %v timeout", res["received"], count, timeout)
	}
	finish(res)
}

// queueShare wraps the averaging allocation (the client's default) to learn how many
// queues of the topic the rebalance gave this consumer, printed as
// {"event":"queues","queues":n} like the Java driver does (clustering only: the Go
// client allocates nothing in broadcasting mode).
type queueShare struct {
	mu           sync.Mutex
	topic        string
	n, announced int
}

func (q *queueShare) allocate(group, cid string, all []*primitive.MessageQueue, cids []string) []*primitive.MessageQueue {
	mine := consumer.AllocateByAveragely(group, cid, all, cids)
	if len(all) > 0 && all[0].Topic == q.topic {
		q.mu.Lock()
		q.n = len(mine)
		q.mu.Unlock()
	}
	return mine
}

func (q *queueShare) emitChanges() {
	q.mu.Lock()
	n := q.n
	changed := n >= 0 && n != q.announced
	q.announced = n
	q.mu.Unlock()
	if changed {
		emit(map[string]interface{}{"event": "queues", "queues": n})
	}
}
