// Command go-client starts a TLS handshake with Go's crypto/tls defaults, so that capture.py can
// record the ClientHello Go sends (X25519MLKEM768 key shares since Go 1.24).
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// fillerProtocols returns count ALPN names of the maximum length (255 bytes): a real way to make
// crypto/tls send a ClientHello larger than one 16 KiB TLS record.
func fillerProtocols(count int) []string {
	protocols := make([]string, count)
	for i := range protocols {
		name := fmt.Sprintf("filler-%03d-", i)
		protocols[i] = name + strings.Repeat("x", 255-len(name))
	}
	return protocols
}

func main() {
	address := flag.String("connect", "", "host:port to connect to")
	serverName := flag.String("servername", "", "SNI host name to send")
	alpn := flag.String("alpn", "", "comma-separated ALPN protocols to offer")
	fillers := flag.Int("alpn-fillers", 0, "number of 255-byte filler ALPN protocols to append")
	timeout := flag.Duration("timeout", 10*time.Second, "deadline for connect and handshake")
	flag.Parse()

	var protocols []string
	if *alpn != "" {
		protocols = strings.Split(*alpn, ",")
	}
	protocols = append(protocols, fillerProtocols(*fillers)...)

	dialer := &net.Dialer{Timeout: *timeout, Deadline: time.Now().Add(*timeout)}
	connection, err := tls.DialWithDialer(dialer, "tcp", *address, &tls.Config{
		ServerName: *serverName,
		NextProtos: protocols,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-client:", err)
		os.Exit(1)
	}
	connection.Close()
}
