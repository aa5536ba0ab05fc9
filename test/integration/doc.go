// Package integration drives the deployed shape of the pipeline on one machine: DynamoDB
// Local with Streams, fauxqs for SQS and SNS, an in-process S3 (gofakes3), and the AWS
// Lambda Runtime Interface Emulator running each built bootstrap. The tests create the same
// resources as the CDK app, from the names in internal/names, and deliver events the way
// the Lambda event source mappings would.
//
// The tests carry the build tag "integration" and run through make test-integration, which
// installs the emulators, builds the bootstraps for this machine and runs the test binary in a
// private network namespace (scripts/integration-test.sh), so that nothing listens beyond
// that namespace's loopback.
package integration
