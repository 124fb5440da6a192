// A Go crypto/tls client for the end-to-end tests: it sends Go's default ClientHello (with
// X25519MLKEM768 key shares, about 1.5 KB, in two TCP segments on many stacks) through the proxy
// and prints the Common Name of the certificate it was shown.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	address := flag.String("connect", "", "host:port of the proxy")
	serverName := flag.String("servername", "", "SNI to send")
	flag.Parse()
	dialer := &net.Dialer{Timeout: 10 * time.Second}
	conn, err := tls.DialWithDialer(dialer, "tcp", *address, &tls.Config{
		ServerName:         *serverName,
		InsecureSkipVerify: true, // the tests check which certificate, not who signed it
		NextProtos:         []string{"h2", "http/1.1"},
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "handshake:", err)
		os.Exit(1)
	}
	defer conn.Close()
	state := conn.ConnectionState()
	fmt.Printf("%s %v\n", state.PeerCertificates[0].Subject.CommonName, state.CurveID)
}
