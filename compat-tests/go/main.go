// Command go-driver is the Go side of the compat harness: one subcommand per
// scenario step, driven through the official rocketmq-client-go/v2 client.
// Contract: compat-tests driver contract (stdout = JSON lines only, logs on stderr).
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"github.com/apache/rocketmq-client-go/v2/rlog"
)

// realStdout is the process's original stdout; os.Stdout is pointed at stderr
// so that any stray print from the client library cannot corrupt the JSON stream.
var (
	realStdout = os.Stdout
	outMu      sync.Mutex
)

func emit(v map[string]interface{}) {
	b, err := json.Marshal(v)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"ok":false,"error":%q}`, "marshal: "+err.Error()))
	}
	outMu.Lock()
	defer outMu.Unlock()
	_, _ = realStdout.Write(append(b, '\n'))
}

func emitReady() { emit(map[string]interface{}{"event": "ready"}) }

// finish prints the single result line and exits (0 when ok).
func finish(res map[string]interface{}) {
	ok, _ := res["ok"].(bool)
	emit(res)
	if ok {
		os.Exit(0)
	}
	os.Exit(1)
}

func fail(format string, a ...interface{}) {
	finish(map[string]interface{}{"ok": false, "error": fmt.Sprintf(format, a...)})
}

// args holds `--name value` options, boolean flags and positional words.
type args struct {
	opts map[string]string
	pos  []string
}

var boolFlags = map[string]bool{"orderly": true, "assign": true, "order": true, "verbose": true}

func parseArgs(in []string) args {
	a := args{opts: map[string]string{}}
	for i := 0; i < len(in); i++ {
		s := in[i]
		if !strings.HasPrefix(s, "--") {
			a.pos = append(a.pos, s)
			continue
		}
		name := strings.TrimPrefix(s, "--")
		if eq := strings.IndexByte(name, '='); eq >= 0 {
			a.opts[name[:eq]] = name[eq+1:]
			continue
		}
		if boolFlags[name] {
			a.opts[name] = "true"
			continue
		}
		if i+1 >= len(in) {
			fail("option --%s needs a value", name)
		}
		a.opts[name] = in[i+1]
		i++
	}
	return a
}

func (a args) str(name, def string) string {
	if v, ok := a.opts[name]; ok {
		return v
	}
	return def
}

func (a args) need(name string) string {
	v, ok := a.opts[name]
	if !ok || v == "" {
		fail("missing required option --%s", name)
	}
	return v
}

func (a args) int(name string, def int) int {
	v, ok := a.opts[name]
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		fail("option --%s: not an integer: %q", name, v)
	}
	return n
}

func (a args) flag(name string) bool {
	v := a.opts[name]
	return v == "true" || v == "1" || v == "yes"
}

func (a args) namesrv() []string {
	v := a.need("namesrv")
	var out []string
	for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// parseProps parses "k=v,k2=v2".
func parseProps(s string) map[string]string {
	out := map[string]string{}
	if s == "" {
		return out
	}
	for _, kv := range strings.Split(s, ",") {
		if kv == "" {
			continue
		}
		k, v, found := strings.Cut(kv, "=")
		if !found {
			fail("--props: %q is not k=v", kv)
		}
		out[k] = v
	}
	return out
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: go-driver <produce|consume|lite-pull|tx-produce|admin OP|orderly-watch|ordered-feed> --namesrv HOST:PORT [options]")
}

// offsetDirEnv is read by the client at package init to place broadcasting
// consumers' local offset files (default: $HOME/.rocketmq_client_go).
const offsetDirEnv = "rocketmq.client.localOffsetStoreDir"

// keepOffsetsOutOfHome re-executes the driver once with offsetDirEnv pointing
// under the temp dir, since the client reads it before main runs.
func keepOffsetsOutOfHome() {
	if os.Getenv(offsetDirEnv) != "" {
		return
	}
	exe, err := os.Executable()
	if err != nil {
		return
	}
	env := append(os.Environ(), offsetDirEnv+"="+filepath.Join(os.TempDir(), "go-driver-offsets"))
	_ = syscall.Exec(exe, os.Args, env) // returns only on failure: carry on with the default
}

func main() {
	keepOffsetsOutOfHome()
	os.Stdout = os.Stderr
	setupLogging()
	if len(os.Args) < 2 {
		usage()
		fail("missing subcommand")
	}
	sub := os.Args[1]
	a := parseArgs(os.Args[2:])
	cmds := map[string]func(args){
		"produce":    runProduce,
		"consume":    runConsume,
		"lite-pull":  runLitePull,
		"tx-produce": runTxProduce,
		"admin":      runAdmin,
		// orderly.go
		"orderly-watch": runOrderlyWatch,
		"ordered-feed":  runOrderedFeed,
	}
	f, ok := cmds[sub]
	if !ok {
		names := make([]string, 0, len(cmds))
		for k := range cmds {
			names = append(names, k)
		}
		sort.Strings(names)
		usage()
		fail("unknown subcommand %q (known: %s)", sub, strings.Join(names, ", "))
	}
	f(a)
}

// setupLogging keeps the client's logger on stderr at warn level unless
// ROCKETMQ_GO_LOG_LEVEL or --verbose asks for more.
func setupLogging() {
	level := os.Getenv("ROCKETMQ_GO_LOG_LEVEL")
	for _, s := range os.Args {
		if s == "--verbose" {
			level = "info"
		}
	}
	if level == "" {
		level = "warn"
	}
	rlog.SetLogger(newStderrLogger(level))
}
