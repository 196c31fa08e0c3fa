package main

import (
	"context"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// orderSelector picks queue = orderKey % len(queues), orderKey being looked up
// per message (orderKey = i % 8), like the Java driver's MessageQueueSelector.
type orderSelector struct{ keys sync.Map } // *primitive.Message -> int

func (s *orderSelector) Select(m *primitive.Message, mqs []*primitive.MessageQueue, _ string) *primitive.MessageQueue {
	k := 0
	if v, ok := s.keys.Load(m); ok {
		k = v.(int)
	}
	return mqs[k%len(mqs)]
}

type produceOpts struct {
	topic, runID, tag, keysPrefix string
	tags                          []string // --tags A,B: message i gets tags[i % len]
	count, size, delayLevel       int
	props                         map[string]string
}

func (o *produceOpts) message(i int) *primitive.Message {
	m := primitive.NewMessage(o.topic, makeBody(o.runID, i, o.size))
	if o.tag != "" {
		m.WithTag(o.tag)
	}
	if len(o.tags) > 0 {
		m.WithTag(o.tags[i%len(o.tags)])
	}
	if o.keysPrefix != "" {
		m.WithKeys([]string{o.keysPrefix + strconv.Itoa(i)})
	}
	for k, v := range o.props {
		m.WithProperty(k, v)
	}
	if o.delayLevel > 0 {
		m.WithDelayTimeLevel(o.delayLevel)
	}
	return m
}

func sentReport(i int, m *primitive.Message, r *primitive.SendResult, idx int) map[string]interface{} {
	o := map[string]interface{}{
		"i":         i,
		"topic":     m.Topic,
		"keys":      m.GetKeys(),
		"tags":      m.GetTags(),
		"props":     userProps(m),
		"bodyLen":   len(m.Body),
		"bodyCrc32": bodyCrc(m.Body),
		"msgId":     m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex),
	}
	if r != nil {
		o["queueOffset"] = r.QueueOffset + int64(idx)
		ids := strings.Split(r.OffsetMsgID, ",")
		if idx < len(ids) {
			o["offsetMsgId"] = ids[idx]
		}
		if r.MessageQueue != nil {
			o["queueId"] = r.MessageQueue.QueueId
			o["brokerName"] = r.MessageQueue.BrokerName
		}
		o["status"] = int(r.Status)
	}
	return o
}

func runProduce(a args) {
	o := &produceOpts{
		topic:      a.need("topic"),
		runID:      a.str("run-id", randomRunID()),
		tag:        a.str("tag", ""),
		keysPrefix: a.str("keys-prefix", ""),
		count:      a.int("count", 1),
		size:       a.int("size", 128),
		delayLevel: a.int("delay-level", 0),
		props:      parseProps(a.str("props", "")),
	}
	if t := a.str("tags", ""); t != "" {
		o.tags = strings.Split(t, ",")
	}
	mode := a.str("mode", "sync")
	threads := a.int("threads", 1)
	if threads < 1 {
		threads = 1
	}
	batchSize := a.int("batch-size", 32)
	if batchSize < 1 {
		batchSize = 1
	}
	timeout := time.Duration(a.int("timeout-ms", 120000)) * time.Millisecond
	popts := []producer.Option{
		producer.WithNameServer(a.namesrv()),
		producer.WithGroupName(a.str("group", "GO_DRIVER_PRODUCER")),
		producer.WithRetry(a.int("retries", 2)),
		producer.WithSendMsgTimeout(time.Duration(a.int("send-timeout-ms", 3000)) * time.Millisecond),
	}
	sel := &orderSelector{}
	switch mode {
	case "sync", "async", "oneway", "batch":
	case "ordered":
		popts = append(popts, producer.WithQueueSelector(sel))
	default:
		fail("unknown --mode %q (sync|async|oneway|batch|ordered)", mode)
	}
	p, err := rocketmq.NewProducer(popts...)
	if err != nil {
		fail("new producer: %v", err)
	}
	if err := p.Start(); err != nil {
		fail("start producer: %v", err)
	}
	rep := openReport(a.str("report", ""))
	lat := newLatency()
	var sent, failed int64
	var firstErr atomic.Value
	noteErr := func(i int, err error) {
		atomic.AddInt64(&failed, 1)
		firstErr.CompareAndSwap(nil, err.Error())
		rep.write(map[string]interface{}{"i": i, "error": err.Error()})
	}
	ctx := context.Background()
	start := time.Now()
	pace := newPacer(start, a.int("rate", 0))
	var wg sync.WaitGroup
	var asyncWg sync.WaitGroup
	inflight := make(chan struct{}, a.int("max-inflight", 1024))

	// The first send of a run goes alone. On its first lookup of a topic the Go client publishes the
	// topic's queues to the producer before it stores the brokers' addresses (internal/route.go
	// UpdateTopicRouteInfoWithDefault), so a send from another goroutine in that window fails at once
	// with "topic=… route info not found", whatever the broker. Seen once in 20,000 ordered sends on 8
	// goroutines (23 failures); an application warms its route up the same way.
	firstSent := make(chan struct{})
	var releaseOnce sync.Once
	release := func() { releaseOnce.Do(func() { close(firstSent) }) }
	worker := func(t int) {
		defer wg.Done()
		if t == 0 {
			defer release()
		} else {
			<-firstSent
		}
		if mode == "batch" {
			for b := t * batchSize; b < o.count; b += threads * batchSize {
				if b != t*batchSize {
					release()
				}
				end := b + batchSize
				if end > o.count {
					end = o.count
				}
				pace.wait(end - b)
				msgs := make([]*primitive.Message, 0, end-b)
				for i := b; i < end; i++ {
					msgs = append(msgs, o.message(i))
				}
				t0 := time.Now()
				r, err := p.SendSync(ctx, msgs...)
				lat.record(time.Since(t0))
				for k, m := range msgs {
					if err != nil {
						noteErr(b+k, err)
						continue
					}
					atomic.AddInt64(&sent, 1)
					rep.write(sentReport(b+k, m, r, k))
				}
			}
			return
		}
		for i := t; i < o.count; i += threads {
			if i != t {
				release()
			}
			pace.wait(1)
			m := o.message(i)
			switch mode {
			case "sync", "ordered":
				if mode == "ordered" {
					sel.keys.Store(m, i%8)
				}
				t0 := time.Now()
				r, err := p.SendSync(ctx, m)
				lat.record(time.Since(t0))
				sel.keys.Delete(m)
				if err != nil {
					noteErr(i, err)
					continue
				}
				atomic.AddInt64(&sent, 1)
				rep.write(sentReport(i, m, r, 0))
			case "oneway":
				t0 := time.Now()
				err := p.SendOneWay(ctx, m)
				lat.record(time.Since(t0))
				if err != nil {
					noteErr(i, err)
					continue
				}
				atomic.AddInt64(&sent, 1)
				rep.write(sentReport(i, m, nil, 0))
			case "async":
				inflight <- struct{}{}
				asyncWg.Add(1)
				i, m, t0 := i, m, time.Now()
				err := p.SendAsync(ctx, func(_ context.Context, r *primitive.SendResult, err error) {
					defer func() { <-inflight; asyncWg.Done() }()
					lat.record(time.Since(t0))
					if err != nil {
						noteErr(i, err)
						return
					}
					atomic.AddInt64(&sent, 1)
					rep.write(sentReport(i, m, r, 0))
				}, m)
				if err != nil {
					<-inflight
					asyncWg.Done()
					noteErr(i, err)
				}
			}
		}
	}
	for t := 0; t < threads; t++ {
		wg.Add(1)
		go worker(t)
	}
	wg.Wait()
	done := make(chan struct{})
	go func() { asyncWg.Wait(); close(done) }()
	timedOut := false
	select {
	case <-done:
	case <-time.After(timeout):
		timedOut = true
	}
	el := time.Since(start)
	if mode == "oneway" {
		// The Go client sends "oneway" without the oneway flag, so the broker answers each send; exiting
		// with answers still on the way resets the connection and the broker drops frames it had not read.
		t0 := time.Now()
		waitConnectionsQuiet(a.namesrv(), 1500*time.Millisecond, time.Second, 15*time.Second)
		rlog.Info("oneway: waited for the broker's answers before shutdown", map[string]interface{}{"ms": time.Since(t0).Milliseconds()})
	}
	_ = p.Shutdown()
	rep.close()
	res := map[string]interface{}{
		"ok":        !timedOut && atomic.LoadInt64(&failed) == 0 && atomic.LoadInt64(&sent) == int64(o.count),
		"sent":      atomic.LoadInt64(&sent),
		"failed":    atomic.LoadInt64(&failed),
		"elapsedMs": el.Milliseconds(),
		"tps":       float64(atomic.LoadInt64(&sent)) / el.Seconds(),
		"latencyUs": lat.summary(),
		"mode":      mode,
		"runId":     o.runID,
	}
	if e := firstErr.Load(); e != nil {
		res["error"] = e
	} else if timedOut {
		res["error"] = "timed out waiting for async send callbacks"
	}
	finish(res)
}

// pacer spreads sends over time: --rate N allows at most N messages per second
// over all workers (0: no limit). A broker's send queue is finite (the Java broker
// answers what overflows it with SYSTEM_BUSY, which a oneway sender never reads),
// so an unbounded oneway flood loses messages by design.
type pacer struct {
	start    time.Time
	perMsg   time.Duration
	reserved int64
}

func newPacer(start time.Time, rate int) *pacer {
	p := &pacer{start: start}
	if rate > 0 {
		p.perMsg = time.Second / time.Duration(rate)
	}
	return p
}

func (p *pacer) wait(n int) {
	if p.perMsg == 0 {
		return
	}
	slot := atomic.AddInt64(&p.reserved, int64(n)) - int64(n)
	if d := time.Until(p.start.Add(time.Duration(slot) * p.perMsg)); d > 0 {
		time.Sleep(d)
	}
}
