package main

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"sync"
	"time"
)

// stderrLogger implements rlog.Logger; it never writes to stdout.
type stderrLogger struct {
	mu    sync.Mutex
	level int
}

const (
	lvlDebug = iota
	lvlInfo
	lvlWarn
	lvlError
	lvlFatal
)

func levelOf(s string) int {
	switch strings.ToLower(s) {
	case "debug":
		return lvlDebug
	case "info":
		return lvlInfo
	case "error":
		return lvlError
	case "fatal":
		return lvlFatal
	default:
		return lvlWarn
	}
}

func newStderrLogger(level string) *stderrLogger { return &stderrLogger{level: levelOf(level)} }

func (l *stderrLogger) log(lvl int, name, msg string, fields map[string]interface{}) {
	if lvl < l.level || (msg == "" && len(fields) == 0) {
		return
	}
	var b strings.Builder
	b.WriteString(time.Now().UTC().Format("15:04:05.000"))
	b.WriteString(" ")
	b.WriteString(name)
	b.WriteString(" ")
	b.WriteString(msg)
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%v", k, fields[k])
	}
	b.WriteByte('\n')
	l.mu.Lock()
	_, _ = os.Stderr.WriteString(b.String())
	l.mu.Unlock()
}

func (l *stderrLogger) Debug(msg string, f map[string]interface{})   { l.log(lvlDebug, "DEBUG", msg, f) }
func (l *stderrLogger) Info(msg string, f map[string]interface{})    { l.log(lvlInfo, "INFO", msg, f) }
func (l *stderrLogger) Warning(msg string, f map[string]interface{}) { l.log(lvlWarn, "WARN", msg, f) }
func (l *stderrLogger) Error(msg string, f map[string]interface{})   { l.log(lvlError, "ERROR", msg, f) }
func (l *stderrLogger) Fatal(msg string, f map[string]interface{}) {
	l.log(lvlFatal, "FATAL", msg, f)
	fail("client fatal: %s", msg)
}
func (l *stderrLogger) Level(level string)           { l.level = levelOf(level) }
func (l *stderrLogger) OutputPath(path string) error { return nil }
