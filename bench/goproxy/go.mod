module snigate.bench/goproxy

go 1.19
