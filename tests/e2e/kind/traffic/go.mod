module snigate.io/tests/e2e/kind/traffic

go 1.24
