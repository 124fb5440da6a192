// The kind suite's backend: an HTTPS server with the certificate it is given, run in pods. It
// answers GET / with its name and the client address it saw, and GET /stream?seconds=N with a line
// every 100 ms for N seconds, then "done". With -proxy-protocol it reads a PROXY protocol v2 header
// before the TLS handshake and reports the address that header carries: the address of the client
// that reached snigate.
package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strconv"
	"time"
)

var proxyV2Signature = []byte("\r\n\r\n\x00\r\nQUIT\n")

// proxiedConn is a connection whose client address came from a PROXY protocol v2 header.
type proxiedConn struct {
	net.Conn
	reader *bufio.Reader
	client net.Addr
}

func (c *proxiedConn) Read(b []byte) (int, error) { return c.reader.Read(b) }
func (c *proxiedConn) RemoteAddr() net.Addr       { return c.client }

// readProxyV2 reads one PROXY protocol v2 header and returns the source address it names (the
// connection's own peer for a LOCAL command or an address family it does not carry).
func readProxyV2(reader *bufio.Reader, peer net.Addr) (net.Addr, error) {
	header := make([]byte, 16)
	if _, err := io.ReadFull(reader, header); err != nil {
		return nil, fmt.Errorf("reading the PROXY header: %w", err)
	}
	if !bytes.Equal(header[:12], proxyV2Signature) {
		return nil, errors.New("no PROXY protocol v2 signature")
	}
	if header[12]>>4 != 2 {
		return nil, fmt.Errorf("PROXY protocol version %d", header[12]>>4)
	}
	body := make([]byte, binary.BigEndian.Uint16(header[14:16]))
	if _, err := io.ReadFull(reader, body); err != nil {
		return nil, fmt.Errorf("reading the PROXY addresses: %w", err)
	}
	if header[12]&0x0f == 0 { // LOCAL
		return peer, nil
	}
	switch header[13] >> 4 {
	case 1: // AF_INET
		if len(body) < 12 {
			return nil, errors.New("short IPv4 PROXY addresses")
		}
		return &net.TCPAddr{IP: net.IP(body[0:4]), Port: int(binary.BigEndian.Uint16(body[8:10]))}, nil
	case 2: // AF_INET6
		if len(body) < 36 {
			return nil, errors.New("short IPv6 PROXY addresses")
		}
		return &net.TCPAddr{IP: net.IP(body[0:16]), Port: int(binary.BigEndian.Uint16(body[32:34]))}, nil
	}
	return peer, nil
}

type proxyListener struct{ net.Listener }

func (l proxyListener) Accept() (net.Conn, error) {
	for {
		conn, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		reader := bufio.NewReader(conn)
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		client, err := readProxyV2(reader, conn.RemoteAddr())
		_ = conn.SetReadDeadline(time.Time{})
		if err != nil {
			log.Printf("%s: %v", conn.RemoteAddr(), err)
			conn.Close()
			continue
		}
		return &proxiedConn{Conn: conn, reader: reader, client: client}, nil
	}
}

func main() {
	listen := flag.String("listen", ":8443", "address to serve HTTPS on")
	name := flag.String("name", "backend", "name to answer with")
	certFile := flag.String("cert", "/tls/tls.crt", "certificate (PEM)")
	keyFile := flag.String("key", "/tls/tls.key", "private key (PEM)")
	proxyProtocol := flag.Bool("proxy-protocol", false, "expect a PROXY protocol v2 header on every connection")
	flag.Parse()

	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "backend=%s client=%s\n", *name, r.RemoteAddr)
	})
	mux.HandleFunc("/stream", func(w http.ResponseWriter, r *http.Request) {
		seconds, err := strconv.Atoi(r.URL.Query().Get("seconds"))
		if err != nil || seconds < 0 || seconds > 600 {
			http.Error(w, "seconds: 0 to 600", http.StatusBadRequest)
			return
		}
		flusher := w.(http.Flusher)
		deadline := time.Now().Add(time.Duration(seconds) * time.Second)
		for tick := 0; time.Now().Before(deadline); tick++ {
			if _, err := fmt.Fprintf(w, "tick %d\n", tick); err != nil {
				return
			}
			flusher.Flush()
			select {
			case <-r.Context().Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		}
		fmt.Fprintln(w, "done")
	})

	listener, err := net.Listen("tcp", *listen)
	if err != nil {
		log.Fatal(err)
	}
	if *proxyProtocol {
		listener = proxyListener{listener}
	}
	server := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	log.Printf("%s serving HTTPS on %s (PROXY protocol v2: %v)", *name, *listen, *proxyProtocol)
	log.Fatal(server.ServeTLS(listener, *certFile, *keyFile))
}
