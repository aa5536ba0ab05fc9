# cloud-telemetry-lake build and test entry points.
SHELL := /bin/bash
GO ?= go
BIN := bin

LAKE ?= .lake

.PHONY: all build test test-unit test-integration otlake lambdas demo bench clean lab attack

all: build

build: otlake

otlake:
	$(GO) build -o $(BIN)/otlake ./cmd/otlake

## lambdas: build/lambdas/<function>/bootstrap and <function>.zip for ot-log-parser and
## ot-incident-aggregator (ARCH=arm64 by default, ARCH=amd64 to switch)
ARCH ?= arm64
lambdas:
	ARCH=$(ARCH) GO=$(GO) scripts/build-lambdas.sh

## demo: ingest the sample logs into the local lake and list the HIGH detections
demo: otlake
	@echo "==> otlake ingest --lake $(LAKE) samples/"
	@$(BIN)/otlake ingest --lake $(LAKE) samples/
	@echo
	@echo "==> otlake detections --lake $(LAKE) --severity HIGH"
	@$(BIN)/otlake detections --lake $(LAKE) --severity HIGH

## lab: build the lab programs (sensor module, CGO_ENABLED=0) and otlake into bin/
LAB_PROGRAMS := plcsim hmisim attacksim otsensor otship
lab: otlake
	cd sensor && CGO_ENABLED=0 $(GO) build -o ../$(BIN)/ $(addprefix ./cmd/,$(LAB_PROGRAMS))

## attack: run the Purdue lab and the attack campaign into a fresh lake (.lake/attack), show
## the detections, incident and alert, and check that nothing of the lab is left behind.
## LAB=netns (default as root on Linux), replay (default otherwise) or docker.
attack: lab
	BIN=$(BIN) lab/attack
	lab/check-clean

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
