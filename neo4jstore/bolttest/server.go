// Package bolttest is a Bolt server for tests: it speaks enough of Bolt 5
// (handshake, HELLO, LOGON, BEGIN, RUN, PULL, DISCARD, COMMIT, ROLLBACK,
// RESET, GOODBYE) and PackStream for the real neo4j-go-driver to run against
// it, and answers every RUN from a script. It records the messages it
// receives so tests can check the statements and parameters sent.
package bolttest

import (
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"sync"
)

// Message signatures of Bolt 5.
const (
	MsgHello    = 0x01
	MsgGoodbye  = 0x02
	MsgLogon    = 0x6A
	MsgLogoff   = 0x6B
	MsgBegin    = 0x11
	MsgCommit   = 0x12
	MsgRollback = 0x13
	MsgReset    = 0x0F
	MsgRun      = 0x10
	MsgDiscard  = 0x2F
	MsgPull     = 0x3F
	MsgTelemetr = 0x54
	MsgRoute    = 0x66

	msgSuccess = 0x70
	msgRecord  = 0x71
	msgIgnored = 0x7E
	msgFailure = 0x7F
)

// Version is the Bolt version the server agrees to.
var Version = [2]byte{5, 4} // major, minor

// Run is one RUN message as the script sees it.
type Run struct {
	Cypher string
	Params map[string]any
	Meta   map[string]any // auto-commit RUN metadata (db, bookmarks, ...)
	InTx   bool
	Begin  map[string]any // the BEGIN metadata of the transaction, if any
}

// Reply is a script's answer to a RUN: records, or a failure.
type Reply struct {
	Keys    []string
	Records [][]any
	// FailureCode, when set, makes the RUN fail with this Neo4j code (for
	// example "Neo.TransientError.Transaction.DeadlockDetected").
	FailureCode, FailureMessage string
}

// Script answers RUN messages.
type Script func(Run) Reply

// Message is a received message: its signature and fields.
type Message struct {
	Sig    byte
	Fields []any
}

// Server is a scripted Bolt server.
type Server struct {
	// User and Password are the credentials LOGON accepts; Databases the
	// database names BEGIN and RUN accept (default: "neo4j").
	User, Password string
	Databases      []string
	Script         Script
	// Agent is the server agent HELLO reports (default "Neo4j/5.26.0").
	Agent string

	ln     net.Listener
	mu     sync.Mutex
	conns  map[net.Conn]bool
	msgs   []Message
	commit int
	wg     sync.WaitGroup
}

// Start listens on addr ("127.0.0.1:0" for a random port) and serves.
func Start(addr string, s *Server) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s.ln = ln
	s.conns = map[net.Conn]bool{}
	if len(s.Databases) == 0 {
		s.Databases = []string{"neo4j"}
	}
	if s.Agent == "" {
		s.Agent = "Neo4j/5.26.0"
	}
	s.wg.Add(1)
	go s.accept()
	return s, nil
}

// Addr returns the listening address.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// URI returns the bolt:// URI of the server.
func (s *Server) URI() string { return "bolt://" + s.Addr() }

// Close stops listening and drops every connection.
func (s *Server) Close() {
	s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

// Messages returns the messages received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Runs returns the RUN messages received so far.
func (s *Server) Runs() []Message {
	var out []Message
	for _, m := range s.Messages() {
		if m.Sig == MsgRun {
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		s.conns[c] = true
		s.mu.Unlock()
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer func() {
				c.Close()
				s.mu.Lock()
				delete(s.conns, c)
				s.mu.Unlock()
			}()
			s.serve(c)
		}()
	}
}

// conn is the state of one connection.
type conn struct {
	c       net.Conn
	failed  bool
	inTx    bool
	begin   map[string]any
	pending *Reply
}

func (s *Server) serve(nc net.Conn) {
	hs := make([]byte, 20)
	if _, err := io.ReadFull(nc, hs); err != nil {
		return
	}
	if binary.BigEndian.Uint32(hs[:4]) != 0x6060B017 {
		return
	}
	if _, err := nc.Write([]byte{0, 0, Version[1], Version[0]}); err != nil {
		return
	}
	c := &conn{c: nc}
	for {
		m, err := readMessage(nc)
		if err != nil {
			return
		}
		s.mu.Lock()
		s.msgs = append(s.msgs, m)
		s.mu.Unlock()
		if m.Sig == MsgGoodbye {
			return
		}
		if err := s.handle(c, m); err != nil {
			return
		}
	}
}

func (s *Server) handle(c *conn, m Message) error {
	field := func(i int) map[string]any {
		if i < len(m.Fields) {
			if d, ok := m.Fields[i].(map[string]any); ok {
				return d
			}
		}
		return map[string]any{}
	}
	if m.Sig == MsgReset {
		c.failed, c.inTx, c.pending = false, false, nil
		return c.send(msgSuccess, map[string]any{})
	}
	if c.failed {
		return c.send(msgIgnored)
	}
	switch m.Sig {
	case MsgHello:
		return c.send(msgSuccess, map[string]any{"server": s.Agent, "connection_id": "bolt-test", "hints": map[string]any{}})
	case MsgLogon:
		auth := field(0)
		if auth["principal"] != s.User || auth["credentials"] != s.Password {
			return c.fail("Neo.ClientError.Security.Unauthorized", "The client is unauthorized due to authentication failure.")
		}
		return c.send(msgSuccess, map[string]any{})
	case MsgLogoff, MsgTelemetr:
		return c.send(msgSuccess, map[string]any{})
	case MsgBegin:
		meta := field(0)
		if !s.knownDB(meta) {
			return c.fail("Neo.ClientError.Database.DatabaseNotFound", fmt.Sprintf("Database does not exist. Database name: '%v'.", meta["db"]))
		}
		c.inTx, c.begin = true, meta
		return c.send(msgSuccess, map[string]any{})
	case MsgRun:
		cypher, _ := m.Fields[0].(string)
		meta := field(2)
		if !c.inTx && !s.knownDB(meta) {
			return c.fail("Neo.ClientError.Database.DatabaseNotFound", fmt.Sprintf("Database does not exist. Database name: '%v'.", meta["db"]))
		}
		run := Run{Cypher: cypher, Params: field(1), Meta: meta, InTx: c.inTx, Begin: c.begin}
		var r Reply
		if s.Script != nil {
			r = s.Script(run)
		}
		if r.FailureCode != "" {
			return c.fail(r.FailureCode, r.FailureMessage)
		}
		c.pending = &r
		keys := make([]any, len(r.Keys))
		for i, k := range r.Keys {
			keys[i] = k
		}
		meta = map[string]any{"fields": keys, "t_first": int64(0)}
		if c.inTx {
			meta["qid"] = int64(0)
		}
		return c.send(msgSuccess, meta)
	case MsgPull, MsgDiscard:
		r := c.pending
		c.pending = nil
		if r != nil && m.Sig == MsgPull {
			for _, rec := range r.Records {
				if err := c.send(msgRecord, rec); err != nil {
					return err
				}
			}
		}
		meta := map[string]any{"has_more": false, "t_last": int64(0), "type": "rw", "db": "neo4j"}
		if !c.inTx {
			meta["bookmark"] = s.nextBookmark()
		}
		return c.send(msgSuccess, meta)
	case MsgCommit:
		c.inTx = false
		return c.send(msgSuccess, map[string]any{"bookmark": s.nextBookmark()})
	case MsgRollback:
		c.inTx = false
		return c.send(msgSuccess, map[string]any{})
	}
	return c.fail("Neo.ClientError.Request.Invalid", fmt.Sprintf("bolttest: unsupported message %#x", m.Sig))
}

func (s *Server) knownDB(meta map[string]any) bool {
	db, ok := meta["db"].(string)
	if !ok || db == "" {
		return true
	}
	for _, d := range s.Databases {
		if d == db {
			return true
		}
	}
	return false
}

func (s *Server) nextBookmark() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.commit++
	return fmt.Sprintf("bm:%d", s.commit)
}

func (c *conn) fail(code, msg string) error {
	c.failed, c.pending = true, nil
	return c.send(msgFailure, map[string]any{"code": code, "message": msg})
}

// send writes one message, chunked.
func (c *conn) send(sig byte, fields ...any) error {
	body := pack(nil, Struct{Tag: sig, Fields: fields})
	var out []byte
	for len(body) > 0 {
		n := min(len(body), 0xFFFF)
		out = binary.BigEndian.AppendUint16(out, uint16(n))
		out = append(out, body[:n]...)
		body = body[n:]
	}
	out = append(out, 0, 0)
	_, err := c.c.Write(out)
	return err
}

// readMessage reads one chunked message, skipping NOOP chunks.
func readMessage(r io.Reader) (Message, error) {
	var body []byte
	hdr := make([]byte, 2)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			return Message{}, err
		}
		n := int(binary.BigEndian.Uint16(hdr))
		if n == 0 {
			if len(body) == 0 {
				continue // NOOP
			}
			break
		}
		chunk := make([]byte, n)
		if _, err := io.ReadFull(r, chunk); err != nil {
			return Message{}, err
		}
		body = append(body, chunk...)
	}
	u := &unpacker{b: body}
	v := u.value()
	st, ok := v.(Struct)
	if u.err != nil || !ok {
		return Message{}, fmt.Errorf("bolttest: malformed message")
	}
	return Message{Sig: st.Tag, Fields: st.Fields}, nil
}
