package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"os"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
	"unsafe"

	hdr "github.com/HdrHistogram/hdrhistogram-go"
	"github.com/apache/rocketmq-client-go/v2/primitive"
)

func randomRunID() string {
	b := make([]byte, 6)
	if _, err := rand.Read(b); err != nil {
		return strconv.FormatInt(time.Now().UnixNano(), 36)
	}
	return hex.EncodeToString(b)
}

// makeBody builds the deterministic body of message i: "<runId>:<i>:" padded
// with 'x' to size bytes, or truncated when size is shorter.
func makeBody(runID string, i, size int) []byte {
	prefix := runID + ":" + strconv.Itoa(i) + ":"
	if size <= len(prefix) {
		return []byte(prefix[:size])
	}
	b := make([]byte, size)
	copy(b, prefix)
	for k := len(prefix); k < size; k++ {
		b[k] = 'x'
	}
	return b
}

// parseBody returns the run id and index encoded at the start of a body.
func parseBody(body []byte) (string, int, bool) {
	n := len(body)
	if n > 128 {
		n = 128
	}
	parts := strings.SplitN(string(body[:n]), ":", 3)
	if len(parts) < 3 {
		return "", 0, false
	}
	i, err := strconv.Atoi(parts[1])
	if err != nil {
		return "", 0, false
	}
	return parts[0], i, true
}

func bodyCrc(b []byte) uint32 { return crc32.ChecksumIEEE(b) }

// systemProps are the MessageConst property names the broker/clients reserve;
// everything else on a message is a user property.
var systemProps = map[string]bool{}

func init() {
	for _, k := range strings.Fields(`KEYS TAGS WAIT DELAY RETRY_TOPIC REAL_TOPIC REAL_QID TRAN_MSG PGROUP
		MIN_OFFSET MAX_OFFSET BUYER_ID ORIGIN_MESSAGE_ID TRANSFER_FLAG CORRECTION_FLAG MQ2_FLAG RECONSUME_TIME
		MSG_REGION TRACE_ON UNIQ_KEY MAX_RECONSUME_TIMES CONSUME_START_TIME POP_CK POP_CK_OFFSET 1ST_POP_TIME
		TRAN_PREPARED_QUEUE_OFFSET DUP_INFO EXTEND_UNIQ_INFO INSTANCE_ID CORRELATION_ID REPLY_TO_CLIENT TTL
		ARRIVE_TIME PUSH_REPLY_TIME CLUSTER MSG_TYPE __transactionId__ TRANSACTION_CHECK_TIMES
		CHECK_IMMUNITY_TIME_IN_SECONDS SHARDING_KEY __SHARDINGKEY __STARTDELIVERTIME TIMER_DELIVER_MS
		TIMER_DELAY_SEC TIMER_DELAY_MS TIMER_OUT_MS TIMER_ENQUEUE_MS TIMER_DEQUEUE_MS TIMER_ROLL_TIMES
		TIMER_DEL_UNIQKEY TIMER_ENGINE_TYPE __BORNHOST bname INNER_NUM INNER_BASE INNER_MULTI_DISPATCH
		INNER_MULTI_QUEUE_OFFSET TRACE_CONTEXT DLQ_ORIGIN_TOPIC DLQ_ORIGIN_MESSAGE_ID SUB_TAGS BORN_HOST
		RECEIPT_HANDLE POP_TIME __CRC32#_ STORE_HOST`) {
		systemProps[k] = true
	}
}

func userProps(m *primitive.Message) map[string]string {
	out := map[string]string{}
	for k, v := range m.GetProperties() {
		if !systemProps[k] {
			out[k] = v
		}
	}
	return out
}

// reportWriter writes one JSON object per line to --report FILE (no-op without it), flushed every
// 200 ms so that a test can read what a running driver has seen so far.
type reportWriter struct {
	mu sync.Mutex
	f  *os.File
	w  *bufio.Writer
}

func openReport(path string) *reportWriter {
	if path == "" {
		return &reportWriter{}
	}
	f, err := os.Create(path)
	if err != nil {
		fail("open report: %v", err)
	}
	r := &reportWriter{f: f, w: bufio.NewWriterSize(f, 1<<16)}
	go func() {
		for range time.Tick(200 * time.Millisecond) {
			r.mu.Lock()
			if r.w == nil {
				r.mu.Unlock()
				return
			}
			_ = r.w.Flush()
			r.mu.Unlock()
		}
	}()
	return r
}

func (r *reportWriter) write(v map[string]interface{}) {
	if r.f == nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	r.mu.Lock()
	if r.w != nil {
		_, _ = r.w.Write(append(b, '\n'))
	}
	r.mu.Unlock()
}

func (r *reportWriter) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.w == nil {
		return
	}
	_ = r.w.Flush()
	_ = r.f.Close()
	r.w = nil
}

// latency is a thread-safe HDR histogram of microsecond latencies.
type latency struct {
	mu sync.Mutex
	h  *hdr.Histogram
}

func newLatency() *latency { return &latency{h: hdr.New(1, 3_600_000_000, 3)} }

func (l *latency) record(d time.Duration) {
	us := d.Microseconds()
	if us < 1 {
		us = 1
	}
	l.mu.Lock()
	_ = l.h.RecordValue(us)
	l.mu.Unlock()
}

func (l *latency) summary() map[string]interface{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return map[string]interface{}{
		"p50":   l.h.ValueAtQuantile(50),
		"p99":   l.h.ValueAtQuantile(99),
		"p999":  l.h.ValueAtQuantile(99.9),
		"max":   l.h.Max(),
		"count": l.h.TotalCount(),
	}
}

// extReport is the per-message report object for a received message.
func extReport(m *primitive.MessageExt) map[string]interface{} {
	o := map[string]interface{}{
		"topic":          m.Topic,
		"queueOffset":    m.QueueOffset,
		"msgId":          m.MsgId,
		"offsetMsgId":    m.OffsetMsgId,
		"keys":           m.GetKeys(),
		"tags":           m.GetTags(),
		"props":          userProps(&m.Message),
		"bodyLen":        len(m.Body),
		"bodyCrc32":      bodyCrc(m.Body),
		"reconsumeTimes": m.ReconsumeTimes,
		"storeTimestamp": m.StoreTimestamp,
		"bornTimestamp":  m.BornTimestamp,
		"receivedAt":     time.Now().UnixMilli(),
	}
	if m.Queue != nil {
		o["queueId"] = m.Queue.QueueId
		o["brokerName"] = m.Queue.BrokerName
	}
	if run, i, ok := parseBody(m.Body); ok {
		o["i"] = i
		o["runId"] = run
	}
	return o
}

func elapsedMs(start time.Time) int64 { return time.Since(start).Milliseconds() }

// slimReport is the short report object (--report-format slim) for runs of many
// messages: run, index, queue, offset, tags, body check and reconsume count.
func slimReport(m *primitive.MessageExt) map[string]interface{} {
	o := map[string]interface{}{
		"queueOffset":    m.QueueOffset,
		"tags":           m.GetTags(),
		"reconsumeTimes": m.ReconsumeTimes,
	}
	if m.Queue != nil {
		o["queueId"] = m.Queue.QueueId
	}
	if run, i, ok := parseBody(m.Body); ok {
		o["i"] = i
		o["runId"] = run
		o["bodyOk"] = bytes.Equal(m.Body, makeBody(run, i, len(m.Body)))
	}
	return o
}

// control carries the volume-run options of long-running consumers: --progress-ms N
// prints {"event":"progress","received":n} every N ms, --stop-file F ends the run
// (result "stopped":true) once the file F exists.
type control struct {
	stopFile     string
	progress     time.Duration
	nextProgress time.Time
	lastReported int
	stopped      bool
}

func newControl(a args) *control {
	c := &control{stopFile: a.str("stop-file", ""), progress: time.Duration(a.int("progress-ms", 0)) * time.Millisecond, lastReported: -1}
	c.nextProgress = time.Now().Add(c.progress)
	return c
}

// tick prints progress when due; it answers true once the stop file exists.
func (c *control) tick(received int) bool {
	if c.progress > 0 && !time.Now().Before(c.nextProgress) {
		c.nextProgress = time.Now().Add(c.progress)
		if received != c.lastReported {
			c.lastReported = received
			emit(map[string]interface{}{"event": "progress", "received": received})
		}
	}
	if c.stopFile != "" {
		if _, err := os.Stat(c.stopFile); err == nil {
			c.stopped = true
		}
	}
	return c.stopped
}

// waitConnectionsQuiet waits at least minWait, then until every TCP connection of
// this process (other than those to the NameServers) has nothing left unsent or
// unacknowledged, has received data after its last write and nothing since for
// quiet, or until max has passed.
func waitConnectionsQuiet(namesrvs []string, minWait, quiet, max time.Duration) {
	start := time.Now()
	time.Sleep(minWait)
	skip := map[string]bool{}
	for _, n := range namesrvs {
		skip[n] = true
	}
	for time.Since(start) < max && !connectionsQuiet(skip, quiet) {
		time.Sleep(50 * time.Millisecond)
	}
}

func connectionsQuiet(skip map[string]bool, quiet time.Duration) bool {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return true
	}
	for _, e := range ents {
		fd, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		if link, err := os.Readlink("/proc/self/fd/" + e.Name()); err != nil || !strings.HasPrefix(link, "socket:") {
			continue
		}
		sa, err := syscall.Getpeername(fd)
		if err != nil {
			continue
		}
		switch p := sa.(type) {
		case *syscall.SockaddrInet4:
			if skip[fmt.Sprintf("%d.%d.%d.%d:%d", p.Addr[0], p.Addr[1], p.Addr[2], p.Addr[3], p.Port)] {
				continue
			}
		case *syscall.SockaddrInet6:
		default:
			continue
		}
		var info syscall.TCPInfo
		size := uint32(syscall.SizeofTCPInfo)
		if _, _, errno := syscall.Syscall6(syscall.SYS_GETSOCKOPT, uintptr(fd), syscall.IPPROTO_TCP, syscall.TCP_INFO,
			uintptr(unsafe.Pointer(&info)), uintptr(unsafe.Pointer(&size)), 0); errno != 0 {
			continue
		}
		if info.State != 1 { // TCP_ESTABLISHED
			continue
		}
		var outq int32
		if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, uintptr(fd), syscall.TIOCOUTQ, uintptr(unsafe.Pointer(&outq))); errno != 0 {
			continue
		}
		// answered: something arrived after our last write (ages in ms: a smaller age is more recent)
		answered := info.Last_data_recv <= info.Last_data_sent
		if outq > 0 || !answered || time.Duration(info.Last_data_recv)*time.Millisecond < quiet {
			return false
		}
	}
	return true
}
