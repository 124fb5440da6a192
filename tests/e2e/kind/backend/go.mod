module snigate.io/tests/e2e/kind/backend

go 1.24
