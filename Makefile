# cloud-telemetry-lake build and test entry points.
SHELL := /bin/bash
GO ?= go
BIN := bin

.PHONY: all build test test-unit otlake clean

all: build

build: otlake

otlake:
	$(GO) build -o $(BIN)/otlake ./cmd/otlake

## test: every test of both modules (the command CI runs)
test: test-unit

test-unit:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	@if [ -f sensor/go.mod ]; then cd sensor && $(GO) vet ./... && $(GO) test -count=1 ./...; fi

clean:
	rm -rf $(BIN) build .lake
