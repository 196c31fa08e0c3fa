package main

import (
	"context"
	"sync"
	"time"

	rocketmq "github.com/apache/rocketmq-client-go/v2"
	"github.com/apache/rocketmq-client-go/v2/primitive"
	"github.com/apache/rocketmq-client-go/v2/producer"
)

// txListener answers the local transaction with the requested outcome and,
// for check-*, answers the broker's check-back; it records which messages were checked.
type txListener struct {
	local, check primitive.LocalTransactionState
	mu           sync.Mutex
	checked      map[string]int // UNIQ_KEY -> check calls
	calls        int
	rep          *reportWriter
}

func (l *txListener) ExecuteLocalTransaction(*primitive.Message) primitive.LocalTransactionState {
	return l.local
}

func (l *txListener) CheckLocalTransaction(m *primitive.MessageExt) primitive.LocalTransactionState {
	key := m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex)
	if key == "" {
		key = m.MsgId
	}
	l.mu.Lock()
	l.checked[key]++
	l.calls++
	l.mu.Unlock()
	o := extReport(m)
	o["event"] = "check"
	l.rep.write(o)
	return l.check
}

func (l *txListener) checkedCount(keys []string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, k := range keys {
		if l.checked[k] > 0 {
			n++
		}
	}
	return n
}

func runTxProduce(a args) {
	outcome := a.need("outcome")
	l := &txListener{checked: map[string]int{}, rep: openReport(a.str("report", ""))}
	switch outcome {
	case "commit":
		l.local, l.check = primitive.CommitMessageState, primitive.CommitMessageState
	case "rollback":
		l.local, l.check = primitive.RollbackMessageState, primitive.RollbackMessageState
	case "check-commit":
		l.local, l.check = primitive.UnkonwnState, primitive.CommitMessageState
	case "check-rollback":
		l.local, l.check = primitive.UnkonwnState, primitive.RollbackMessageState
	default:
		fail("--outcome must be commit|rollback|check-commit|check-rollback")
	}
	o := &produceOpts{
		topic:      a.need("topic"),
		runID:      a.str("run-id", randomRunID()),
		tag:        a.str("tag", ""),
		keysPrefix: a.str("keys-prefix", ""),
		count:      a.int("count", 1),
		size:       a.int("size", 128),
		props:      parseProps(a.str("props", "")),
	}
	checkTimeout := time.Duration(a.int("check-timeout-ms", 120000)) * time.Millisecond
	p, err := rocketmq.NewTransactionProducer(l,
		producer.WithNameServer(a.namesrv()),
		producer.WithGroupName(a.str("group", "GO_DRIVER_TX_PRODUCER")),
		producer.WithRetry(a.int("retries", 2)),
	)
	if err != nil {
		fail("new transaction producer: %v", err)
	}
	if err := p.Start(); err != nil {
		fail("start transaction producer: %v", err)
	}
	lat := newLatency()
	start := time.Now()
	var keys []string
	sent, failed := 0, 0
	var firstErr string
	for i := 0; i < o.count; i++ {
		m := o.message(i)
		t0 := time.Now()
		r, err := p.SendMessageInTransaction(context.Background(), m)
		lat.record(time.Since(t0))
		if err != nil {
			failed++
			if firstErr == "" {
				firstErr = err.Error()
			}
			l.rep.write(map[string]interface{}{"i": i, "error": err.Error()})
			continue
		}
		sent++
		keys = append(keys, m.GetProperty(primitive.PropertyUniqueClientMessageIdKeyIndex))
		rr := sentReport(i, m, r.SendResult, 0)
		rr["event"] = "sent"
		rr["localState"] = int(r.State)
		l.rep.write(rr)
	}
	res := map[string]interface{}{
		"sent":      sent,
		"failed":    failed,
		"outcome":   outcome,
		"runId":     o.runID,
		"latencyUs": lat.summary(),
	}
	ok := failed == 0 && sent == o.count
	if outcome == "check-commit" || outcome == "check-rollback" {
		deadline := time.Now().Add(checkTimeout)
		for l.checkedCount(keys) < len(keys) && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
		}
		// give the one-way END_TRANSACTION of the last check a moment to leave
		time.Sleep(500 * time.Millisecond)
		if l.checkedCount(keys) < len(keys) {
			ok = false
			if firstErr == "" {
				firstErr = "not every transaction was checked back before --check-timeout-ms"
			}
		}
	}
	l.mu.Lock()
	res["checked"] = len(l.checked)
	res["checkCalls"] = l.calls
	l.mu.Unlock()
	res["elapsedMs"] = elapsedMs(start)
	res["ok"] = ok
	if firstErr != "" {
		res["error"] = firstErr
	}
	_ = p.Shutdown()
	l.rep.close()
	finish(res)
}
