module snigate/tests/data/client_hellos/go-client

go 1.24
