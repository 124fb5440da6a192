// Live traffic through snigate for the kind suite's rolling upgrade: long streams (GET
// /stream?seconds=N, a line every 100 ms, then "done") started one after another, and new
// connections (TLS handshake + GET /) made one after another, for a given time. It prints one JSON
// object: how many of each were made, how many streams were cut before their "done", and how many
// new connections failed, with the first errors of each.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"
)

type report struct {
	StreamsStarted   int      `json:"streams_started"`
	StreamsCompleted int      `json:"streams_completed"`
	StreamsCut       int      `json:"streams_cut"`
	StreamErrors     []string `json:"stream_errors"`
	NewAttempted     int      `json:"new_attempted"`
	NewOK            int      `json:"new_ok"`
	NewFailed        int      `json:"new_failed"`
	NewErrors        []string `json:"new_errors"`
	Backends         []string `json:"backends_seen"`
}

func main() {
	address := flag.String("connect", "", "host:port of snigate")
	serverName := flag.String("servername", "", "SNI to send")
	duration := flag.Duration("duration", time.Minute, "how long to start streams and new connections")
	streamSeconds := flag.Int("stream-seconds", 20, "length of each stream")
	streamEvery := flag.Duration("stream-every", time.Second, "interval between stream starts")
	newEvery := flag.Duration("new-every", 100*time.Millisecond, "interval between new connections")
	flag.Parse()

	client := func(timeout time.Duration) *http.Client {
		dialer := &net.Dialer{Timeout: 5 * time.Second}
		return &http.Client{Timeout: timeout, Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return dialer.DialContext(ctx, "tcp", *address)
			},
			TLSClientConfig:   &tls.Config{ServerName: *serverName, InsecureSkipVerify: true}, // which backend, not who signed it
			DisableKeepAlives: true,
		}}
	}
	url := "https://" + *serverName

	var mutex sync.Mutex
	var result report
	backends := map[string]bool{}
	note := func(list *[]string, err string) {
		if len(*list) < 10 {
			*list = append(*list, err)
		}
	}
	var streams sync.WaitGroup
	stream := func() {
		defer streams.Done()
		started := time.Now()
		response, err := client(time.Duration(*streamSeconds+30) * time.Second).Get(fmt.Sprintf("%s/stream?seconds=%d", url, *streamSeconds))
		completed := false
		if err == nil {
			lines := bufio.NewScanner(response.Body)
			for lines.Scan() {
				completed = lines.Text() == "done"
			}
			err = lines.Err()
			response.Body.Close()
		}
		mutex.Lock()
		defer mutex.Unlock()
		if completed {
			result.StreamsCompleted++
			return
		}
		result.StreamsCut++
		note(&result.StreamErrors, fmt.Sprintf("after %.1fs: %v", time.Since(started).Seconds(), err))
	}
	newConnection := func() {
		response, err := client(5 * time.Second).Get(url + "/")
		var body strings.Builder
		if err == nil {
			_, err = bufio.NewReader(response.Body).WriteTo(&body)
			response.Body.Close()
		}
		mutex.Lock()
		defer mutex.Unlock()
		if err != nil || !strings.HasPrefix(body.String(), "backend=") {
			result.NewFailed++
			note(&result.NewErrors, fmt.Sprintf("%s: %v %q", time.Now().Format(time.TimeOnly), err, body.String()))
			return
		}
		result.NewOK++
		backends[strings.Fields(body.String())[0]] = true
	}

	end := time.Now().Add(*duration)
	nextStream := time.Now()
	for now := time.Now(); now.Before(end); now = time.Now() {
		if !now.Before(nextStream) {
			streams.Add(1)
			result.StreamsStarted++
			go stream()
			nextStream = now.Add(*streamEvery)
		}
		result.NewAttempted++
		newConnection()
		time.Sleep(*newEvery)
	}
	streams.Wait()
	for backend := range backends {
		result.Backends = append(result.Backends, backend)
	}
	json.NewEncoder(os.Stdout).Encode(result)
	if result.StreamsCut > 0 || result.NewFailed > 0 {
		os.Exit(1)
	}
}
