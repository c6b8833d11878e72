package main

// The serializing front: FerretDB v1 executes findAndModify and update as "query, compute the new
// document in Go, write it back by _id" without a lock, so two concurrent updates of one document
// can both succeed on the same old state (measured: 50 concurrent $inc on one document left it at
// 11; 24 concurrent claims of 8 jobs all "succeeded"). MongoDB guarantees that a single-document
// write is atomic, and the C⁴TAP MongoDB adapter relies on exactly that (job claims, lease checks).
// This front gives FerretDB that guarantee by forwarding one writing request at a time: each
// client connection has its own connection to FerretDB, and a global mutex is held from writing a
// request that may write until its reply has been read. Commands known to only read (find,
// aggregate, count, …) pass without the mutex, so they do not queue behind each other. The store
// test suite checks the guarantee before it trusts the server (test/core/mongo-store.test.ts).

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
)

const (
	headerLen     = 16
	maxMessageLen = 48_000_000 // FerretDB's maxMessageSizeBytes
	opMsg         = 2013
	moreToCome    = 1 << 1
)

// readMessage reads one complete wire protocol message (header included).
func readMessage(r io.Reader) ([]byte, error) {
	var header [headerLen]byte
	if _, err := io.ReadFull(r, header[:]); err != nil {
		return nil, err
	}
	n := int(int32(binary.LittleEndian.Uint32(header[0:4])))
	if n < headerLen || n > maxMessageLen {
		return nil, fmt.Errorf("invalid message length %d", n)
	}
	msg := make([]byte, n)
	copy(msg, header[:])
	if _, err := io.ReadFull(r, msg[headerLen:]); err != nil {
		return nil, err
	}
	return msg, nil
}

// hasMoreToCome tells whether an OP_MSG is followed by another message without a request
// (unacknowledged writes from the client; exhaust replies from the server).
func hasMoreToCome(msg []byte) bool {
	if len(msg) < headerLen+4 || binary.LittleEndian.Uint32(msg[12:16]) != opMsg {
		return false
	}
	return binary.LittleEndian.Uint32(msg[16:20])&moreToCome != 0
}

// readOnly are the commands that never write; every other command (and any message that is not
// an OP_MSG, such as the legacy handshake) takes the write mutex.
var readOnly = map[string]bool{
	"find": true, "getMore": true, "aggregate": true, "count": true, "distinct": true,
	"listCollections": true, "listIndexes": true, "listDatabases": true,
	"hello": true, "isMaster": true, "ismaster": true, "ping": true, "buildInfo": true, "buildinfo": true,
	"killCursors": true, "endSessions": true, "dbStats": true, "collStats": true,
}

// commandName is the first key of an OP_MSG's body section, or "" when there is none.
func commandName(msg []byte) string {
	// header (16) + flagBits (4) + section kind (1) + document length (4) + element type (1)
	const nameAt = headerLen + 4 + 1 + 4 + 1
	if len(msg) <= nameAt || binary.LittleEndian.Uint32(msg[12:16]) != opMsg || msg[headerLen+4] != 0 {
		return ""
	}
	for i := nameAt; i < len(msg); i++ {
		if msg[i] == 0 {
			return string(msg[nameAt:i])
		}
	}
	return ""
}

type front struct {
	mu     sync.Mutex
	dial   func() (net.Conn, error)
	logger *slog.Logger
}

func (f *front) serve(l net.Listener) error {
	for {
		client, err := l.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return nil
			}
			return err
		}
		go f.relay(client)
	}
}

func (f *front) relay(client net.Conn) {
	defer client.Close()
	upstream, err := f.dial()
	if err != nil {
		f.logger.Error("cannot reach FerretDB", "error", err)
		return
	}
	defer upstream.Close()

	for {
		request, err := readMessage(client)
		if err != nil {
			return
		}
		reply, err := f.roundTrip(upstream, request)
		if err != nil {
			f.logger.Warn("relay failed", "error", err)
			return
		}
		for reply != nil {
			if _, err := client.Write(reply); err != nil {
				return
			}
			if !hasMoreToCome(reply) {
				break
			}
			if reply, err = readMessage(upstream); err != nil {
				return
			}
		}
	}
}

// roundTrip sends one request and reads its reply, holding the global lock unless the command
// only reads. A request flagged moreToCome has no reply: nil is returned.
func (f *front) roundTrip(upstream net.Conn, request []byte) ([]byte, error) {
	if !readOnly[commandName(request)] {
		f.mu.Lock()
		defer f.mu.Unlock()
	}
	if _, err := upstream.Write(request); err != nil {
		return nil, err
	}
	if hasMoreToCome(request) {
		return nil, nil
	}
	return readMessage(upstream)
}
