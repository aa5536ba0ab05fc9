# cloud-telemetry-lake build and test entry points.
SHELL := /bin/bash
GO ?= go
BIN := bin

LAKE ?= .lake

.PHONY: all build test test-unit corpus-notice test-integration otlake lambdas demo bench clean lab attack \
	cdk-tools synth bootstrap deploy-local deploy deploy-analytics destroy destroy-local cdk-test

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
	@status=0; BIN=$(BIN) lab/attack || status=$$?; lab/check-clean && exit $$status

## test-integration: the Lambdas under the runtime interface emulator against DynamoDB Local,
## fauxqs and an in-process S3, all inside a private network namespace (needs root). The
## emulators are installed into .tools/ on first use; the bootstraps are built for this machine.
INTEGRATION_OUT := build/integration
test-integration:
	scripts/integration-tools.sh
	ARCH=$$($(GO) env GOARCH) OUT=$(CURDIR)/$(INTEGRATION_OUT)/lambdas GO=$(GO) scripts/build-lambdas.sh
	$(GO) build -o $(INTEGRATION_OUT)/otlake ./cmd/otlake
	$(GO) test -c -tags integration -o $(INTEGRATION_OUT)/integration.test ./test/integration
	OTLAKE_TOOLS=$(CURDIR)/.tools OTLAKE_LAMBDA_DIR=$(CURDIR)/$(INTEGRATION_OUT)/lambdas \
		OTLAKE_BIN=$(CURDIR)/$(INTEGRATION_OUT)/otlake OTLAKE_ROOT=$(CURDIR) \
		scripts/integration-test.sh $(INTEGRATION_OUT)/integration.test -test.v -test.count=1 -test.timeout=10m

## bench: the ingest benchmark on one core (see docs/benchmarks.md)
bench:
	bench/ingest.sh

## CDK app (app.go, constructs/): Node 22 from the npm package node-linux-<cpu> (jsii warns on
## every run under Node 20) and the CDK CLI pinned in package.json, both git-ignored.
NODE_VERSION := 22.23.5
NODE_CPU := $(if $(filter aarch64 arm64,$(shell uname -m)),arm64,x64)
NODE_DIR := .tools/node
CDK_PATH := $(CURDIR)/$(NODE_DIR)/bin:$(CURDIR)/node_modules/.bin:$(PATH)
CDK := PATH="$(CDK_PATH)" cdk
CDKLOCAL := PATH="$(CDK_PATH)" cdklocal
# ARCH names the Go architecture for make lambdas; CDK_ARCH is Lambda's name for the same.
CDK_ARCH = $(if $(filter amd64,$(ARCH)),x86_64,arm64)
ANALYTICS ?= false

$(NODE_DIR)/bin/node:
	@echo "==> install Node $(NODE_VERSION) into $(NODE_DIR) (npm package node-linux-$(NODE_CPU))"
	@work="$$(mktemp -d)" && (cd "$$work" && npm pack --silent "node-linux-$(NODE_CPU)@$(NODE_VERSION)" >/dev/null) \
		&& mkdir -p $(NODE_DIR) && tar -xzf "$$work"/*.tgz -C $(NODE_DIR) --strip-components=1 package/bin/node package/LICENSE \
		&& rm -rf "$$work"
	@$(NODE_DIR)/bin/node --version

node_modules/.package-lock.json: package.json package-lock.json $(NODE_DIR)/bin/node
	@echo "==> npm ci (aws-cdk and aws-cdk-local as pinned in package-lock.json)"
	@PATH="$(CDK_PATH)" npm ci --no-audit --no-fund
	@touch $@

## cdk-tools: install Node 22 and the pinned CDK CLI
cdk-tools: $(NODE_DIR)/bin/node node_modules/.package-lock.json

## synth: build the Lambdas and synthesize the stack into cdk.out, checked by cdk-nag
## (ANALYTICS=true adds Glue and Athena; ARCH=amd64 builds and synthesizes x86_64)
# Synth needs no AWS access: no credential lookup on the instance metadata endpoint, no CLI
# telemetry and no notices download.
synth: lambdas cdk-tools
	@echo "==> cdk synth OtTelemetryLake (analytics=$(ANALYTICS), arch=$(CDK_ARCH)) into cdk.out"
	@AWS_EC2_METADATA_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true \
		$(CDK) synth --quiet --no-notices -c analytics=$(ANALYTICS) -c arch=$(CDK_ARCH)
	@echo "template: cdk.out/OtTelemetryLake.template.json"

## deploy-local: deploy to LocalStack with cdklocal: bucket notifications on the bucket
## resource, no analytics, functions for LOCAL_ARCH (amd64 by default; LOCAL_ARCH=arm64 on ARM
## hosts); see cdklocal.md. cdklocal replaces the AWS_* variables with LocalStack's test
## credentials and region us-east-1, and reaches S3 through subdomains of LOCALSTACK_S3_ENDPOINT.
LOCALSTACK_ENDPOINT ?= http://localhost.localstack.cloud:4566
LOCALSTACK_S3_ENDPOINT ?= http://s3.localhost.localstack.cloud:4566
LOCAL_ARCH ?= amd64
LOCAL_CDK_ARCH = $(if $(filter arm64,$(LOCAL_ARCH)),arm64,x86_64)
LOCAL_CONTEXT = -c arch=$(LOCAL_CDK_ARCH) -c notifications=l1 -c s3PathStyle=true -c analytics=false
CDKLOCAL_ENV = AWS_ENDPOINT_URL=$(LOCALSTACK_ENDPOINT) AWS_ENDPOINT_URL_S3=$(LOCALSTACK_S3_ENDPOINT)
deploy-local: cdk-tools
	@echo "==> make lambdas ARCH=$(LOCAL_ARCH) (LocalStack runs functions on the host's architecture)"
	@$(MAKE) --no-print-directory lambdas ARCH=$(LOCAL_ARCH)
	@echo "==> check LocalStack at $(LOCALSTACK_ENDPOINT)"
	@curl -fsS -o /dev/null "$(LOCALSTACK_ENDPOINT)/_localstack/health" || \
		{ echo "deploy-local: LocalStack is not reachable at $(LOCALSTACK_ENDPOINT): start it as cdklocal.md shows" >&2; exit 1; }
	@echo "==> cdklocal bootstrap (CDK assets bucket and roles in LocalStack)"
	@$(CDKLOCAL_ENV) $(CDKLOCAL) bootstrap $(LOCAL_CONTEXT)
	@echo "==> cdklocal deploy OtTelemetryLake ($(LOCAL_CONTEXT))"
	@$(CDKLOCAL_ENV) $(CDKLOCAL) deploy --require-approval never $(LOCAL_CONTEXT)

## bootstrap: create the CDK assets bucket and roles in the AWS account and region of the
## current credentials, once before the first deploy there
bootstrap: cdk-tools
	@echo "==> make lambdas ARCH=arm64 (cdk bootstrap synthesizes the app first)"
	@$(MAKE) --no-print-directory lambdas ARCH=arm64
	@echo "==> cdk bootstrap"
	@$(CDK) bootstrap -c arch=arm64

## deploy: deploy to the AWS account and region of the current credentials (arm64, no analytics)
deploy: cdk-tools
	@echo "==> make lambdas ARCH=arm64"
	@$(MAKE) --no-print-directory lambdas ARCH=arm64
	@echo "==> cdk deploy OtTelemetryLake (arch=arm64, analytics=false); run make bootstrap once per account and region first"
	@$(CDK) deploy -c arch=arm64 -c analytics=false

## deploy-analytics: deploy as deploy does, plus the Glue catalog and the Athena workgroup
deploy-analytics: cdk-tools
	@echo "==> make lambdas ARCH=arm64"
	@$(MAKE) --no-print-directory lambdas ARCH=arm64
	@echo "==> cdk deploy OtTelemetryLake (arch=arm64, analytics=true); run make bootstrap once per account and region first"
	@$(CDK) deploy -c arch=arm64 -c analytics=true

## destroy: delete the stack from AWS; the buckets and the detections table are retained
destroy: cdk-tools
	@echo "==> make lambdas ARCH=arm64 (cdk destroy synthesizes the app first)"
	@$(MAKE) --no-print-directory lambdas ARCH=arm64
	@echo "==> cdk destroy OtTelemetryLake (buckets and the ot_detections table are retained: delete them by hand)"
	@$(CDK) destroy -c arch=arm64

## destroy-local: delete the stack from LocalStack, built as deploy-local builds it
destroy-local: cdk-tools
	@echo "==> make lambdas ARCH=$(LOCAL_ARCH) (cdklocal destroy synthesizes the app first)"
	@$(MAKE) --no-print-directory lambdas ARCH=$(LOCAL_ARCH)
	@echo "==> cdklocal destroy OtTelemetryLake"
	@$(CDKLOCAL_ENV) $(CDKLOCAL) destroy --force $(LOCAL_CONTEXT)

## cdk-test: the CDK app's tests (snapshots, assertions, cdk-nag) under Node 22
cdk-test: $(NODE_DIR)/bin/node
	PATH="$(CDK_PATH)" $(GO) test -count=1 ./constructs/

## test: every test of both modules (the command CI runs)
test: cdk-test test-unit test-integration

# The constructs package is left to cdk-test, which runs it with Node 22 on PATH.
test-unit: corpus-notice
	$(GO) vet ./...
	$(GO) test -count=1 $$($(GO) list ./... | grep -v '/constructs$$')
	@if [ -f sensor/go.mod ]; then cd sensor && $(GO) vet ./... && $(GO) test -count=1 ./...; fi

# Tests that read the shared corpus skip without it (and fail under CI=true): say so up front.
corpus-notice:
	@if [ -n "$$OTLAKE_CORPUS" ] && [ ! -d "$$OTLAKE_CORPUS" ]; then \
		echo "note: OTLAKE_CORPUS=$$OTLAKE_CORPUS is not a folder: the corpus tests will be skipped"; \
	elif [ -z "$$OTLAKE_CORPUS" ] && [ ! -d ../shared/corpus ]; then \
		echo "note: no test corpus at ../shared/corpus and OTLAKE_CORPUS is unset: the corpus tests will be skipped"; \
	fi

clean:
	rm -rf $(BIN) build .lake cdk.out
