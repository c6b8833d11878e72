// Command mongo-server is the MongoDB-wire test server of C⁴TAP's MongoDB adapter tests:
// FerretDB v1 embedded, with its SQLite backend, behind a front that serializes requests (see
// serialize.go for why), listening on a loopback address only.
//
// Usage: mongo-server -port 27018 -data /path/to/dir [-log-level warn]
// (or the environment variables C4TAP_MONGO_PORT and C4TAP_MONGO_DATA).
// It prints "ready <MongoDB URI>" on stdout once it accepts connections, and stops cleanly on
// SIGINT/SIGTERM.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "mongo-server: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	port := flag.Int("port", 0, "TCP port on 127.0.0.1 (env C4TAP_MONGO_PORT; default 27018)")
	data := flag.String("data", os.Getenv("C4TAP_MONGO_DATA"), "directory for the SQLite files (env C4TAP_MONGO_DATA; required)")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if *port == 0 {
		text := os.Getenv("C4TAP_MONGO_PORT")
		if text == "" {
			text = "27018"
		}
		p, err := strconv.Atoi(text)
		if err != nil {
			fail("invalid port %q", text)
		}
		*port = p
	}
	if *port <= 0 || *port > 65535 {
		fail("invalid port %d", *port)
	}
	if *data == "" {
		fail("-data (or C4TAP_MONGO_DATA) is required")
	}
	dir, err := filepath.Abs(*data)
	if err != nil {
		fail("%v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		fail("%v", err)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail("invalid -log-level %q", *logLevel)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	// FerretDB itself listens on a Unix socket inside the data directory; only the front is on TCP.
	socket := filepath.Join(dir, "ferretdb.sock")
	_ = os.Remove(socket)
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{Unix: socket},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		fail("%v", err)
	}

	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", *port))
	if err != nil {
		fail("%v", err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	_ = f.MongoDBURI() // blocks until FerretDB listens

	fr := &front{
		dial:   func() (net.Conn, error) { return net.Dial("unix", socket) },
		logger: logger,
	}
	go func() {
		<-ctx.Done()
		_ = l.Close()
	}()
	go func() {
		if err := fr.serve(l); err != nil {
			logger.Error("front stopped", "error", err)
			stop()
		}
	}()

	fmt.Printf("ready mongodb://%s/\n", l.Addr().String())
	<-done
}
