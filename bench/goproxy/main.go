// Command snigate-bench-goproxy is the benchmark's Go SNI proxy peer, in the style of the
// classic "SNI proxy in 115 lines of Go": a goroutine per connection, a deadline on the
// ClientHello read, crypto/tls to parse it, and io.Copy both ways (which splices on Linux).
// It reads the same routes file as snigate-dataplane and re-reads it on SIGHUP.
package main

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"
)

type routesFile struct {
	Routes []struct {
		Hostname string `json:"hostname"`
		Backends []struct {
			Address string `json:"address"`
			Port    int    `json:"port"`
		} `json:"backends"`
	} `json:"routes"`
}

var routes atomic.Pointer[map[string]string]

func loadRoutes(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var file routesFile
	if err := json.Unmarshal(data, &file); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	table := make(map[string]string, len(file.Routes))
	for _, route := range file.Routes {
		if len(route.Backends) > 0 {
			backend := route.Backends[0]
			table[route.Hostname] = net.JoinHostPort(backend.Address, fmt.Sprint(backend.Port))
		}
	}
	routes.Store(&table)
	return nil
}

func main() {
	listen := flag.String("listen", "127.0.0.1:8443", "address to accept TLS connections on")
	routesPath := flag.String("routes", "routes.json", "routes file (snigate-dataplane's format)")
	helloTimeout := flag.Duration("hello-timeout", 5*time.Second, "longest wait for a ClientHello")
	flag.Parse()
	if err := loadRoutes(*routesPath); err != nil {
		log.Fatal(err)
	}
	reload := make(chan os.Signal, 1)
	signal.Notify(reload, syscall.SIGHUP)
	go func() {
		for range reload {
			if err := loadRoutes(*routesPath); err != nil {
				log.Print(err)
			}
		}
	}()
	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	for {
		client, err := listener.Accept()
		if err != nil {
			log.Print(err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		go proxy(client.(*net.TCPConn), *helloTimeout)
	}
}

func proxy(client *net.TCPConn, helloTimeout time.Duration) {
	defer client.Close()
	client.SetReadDeadline(time.Now().Add(helloTimeout))
	var peeked bytes.Buffer
	serverName, ok := readServerName(io.TeeReader(client, &peeked))
	client.SetReadDeadline(time.Time{})
	if !ok {
		return
	}
	address, ok := (*routes.Load())[serverName]
	if !ok {
		return
	}
	backendConn, err := net.DialTimeout("tcp", address, 5*time.Second)
	if err != nil {
		return
	}
	backend := backendConn.(*net.TCPConn)
	defer backend.Close()
	if _, err := backend.Write(peeked.Bytes()); err != nil {
		return
	}
	done := make(chan struct{})
	go func() {
		io.Copy(client, backend)
		client.CloseWrite()
		close(done)
	}()
	io.Copy(backend, client)
	backend.CloseWrite()
	<-done
}

// readServerName lets crypto/tls parse the ClientHello and stops the handshake right after.
func readServerName(reader io.Reader) (string, bool) {
	var serverName string
	var seen bool
	tls.Server(readOnlyConn{reader}, &tls.Config{
		GetConfigForClient: func(hello *tls.ClientHelloInfo) (*tls.Config, error) {
			serverName, seen = hello.ServerName, true
			return nil, io.EOF
		},
	}).Handshake()
	return serverName, seen
}

// readOnlyConn feeds crypto/tls the client's bytes and refuses to answer.
type readOnlyConn struct{ reader io.Reader }

func (c readOnlyConn) Read(p []byte) (int, error)       { return c.reader.Read(p) }
func (c readOnlyConn) Write(p []byte) (int, error)      { return 0, io.ErrClosedPipe }
func (c readOnlyConn) Close() error                     { return nil }
func (c readOnlyConn) LocalAddr() net.Addr              { return nil }
func (c readOnlyConn) RemoteAddr() net.Addr             { return nil }
func (c readOnlyConn) SetDeadline(time.Time) error      { return nil }
func (c readOnlyConn) SetReadDeadline(time.Time) error  { return nil }
func (c readOnlyConn) SetWriteDeadline(time.Time) error { return nil }
