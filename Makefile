# cloud-telemetry-lake build and test entry points.
SHELL := /bin/bash
GO ?= go
BIN := bin

LAKE ?= .lake

.PHONY: all build test test-unit otlake demo bench clean

all: build

build: otlake

otlake:
	$(GO) build -o $(BIN)/otlake ./cmd/otlake

## demo: ingest the sample logs into the local lake and list the HIGH detections
demo: otlake
	@echo "==> otlake ingest --lake $(LAKE) samples/"
	@$(BIN)/otlake ingest --lake $(LAKE) samples/
	@echo
	@echo "==> otlake detections --lake $(LAKE) --severity HIGH"
	@$(BIN)/otlake detections --lake $(LAKE) --severity HIGH

## bench: the ingest benchmark on one core (see docs/benchmarks.md)
bench:
	bench/ingest.sh

## test: every test of both modules (the command CI runs)
test: test-unit

test-unit:
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	@if [ -f sensor/go.mod ]; then cd sensor && $(GO) vet ./... && $(GO) test -count=1 ./...; fi

clean:
	rm -rf $(BIN) build .lake
