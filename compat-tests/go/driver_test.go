package main

import (
	"strings"
	"testing"
)

func TestMakeBodyPadsAndTruncates(t *testing.T) {
	if got := string(makeBody("r1", 7, 10)); got != "r1:7:xxxxx" {
		t.Fatalf("padded body = %q", got)
	}
	if got := string(makeBody("r1", 12, 3)); got != "r1:" {
		t.Fatalf("truncated body = %q", got)
	}
	if got := makeBody("run", 0, 4<<20); len(got) != 4<<20 || got[len(got)-1] != 'x' {
		t.Fatalf("4 MiB body has len %d", len(got))
	}
}

func TestParseBodyRoundTrip(t *testing.T) {
	run, i, ok := parseBody(makeBody("abc", 4321, 128))
	if !ok || run != "abc" || i != 4321 {
		t.Fatalf("parseBody = %q %d %v", run, i, ok)
	}
	if _, _, ok := parseBody([]byte("ab")); ok {
		t.Fatal("a 2-byte body cannot carry an index")
	}
}

func TestParseArgs(t *testing.T) {
	a := parseArgs(strings.Fields("create-topic --namesrv 127.0.0.1:9876;127.0.0.1:9877 --order --queues 8 --tag-expr=A||B"))
	if len(a.pos) != 1 || a.pos[0] != "create-topic" {
		t.Fatalf("positional = %v", a.pos)
	}
	if !a.flag("order") || a.int("queues", 0) != 8 || a.str("tag-expr", "") != "A||B" {
		t.Fatalf("opts = %v", a.opts)
	}
	if ns := a.namesrv(); len(ns) != 2 || ns[1] != "127.0.0.1:9877" {
		t.Fatalf("namesrv = %v", ns)
	}
}

func TestParseProps(t *testing.T) {
	p := parseProps("a=1,b=x=y")
	if len(p) != 2 || p["a"] != "1" || p["b"] != "x=y" {
		t.Fatalf("props = %v", p)
	}
}

func TestBodyCrcIsIEEE(t *testing.T) {
	// java.util.zip.CRC32 of "123456789" is 0xCBF43926
	if c := bodyCrc([]byte("123456789")); c != 0xCBF43926 {
		t.Fatalf("crc = %x", c)
	}
}
