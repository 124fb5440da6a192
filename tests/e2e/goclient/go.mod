module snigate.io/tests/e2e/goclient

go 1.24
