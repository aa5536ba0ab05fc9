// Package constructs contains the AWS CDK constructs of the OtTelemetryLake stack, one typed
// construct per file. They create the raw, staged and reports buckets, the ingest queue with
// its dead letter queue, the ot_detections table, the parser and aggregator functions with
// their event sources, the incident alert topic, and the optional Glue and Athena layer.
//
// Secure defaults (encryption, blocked public access, TLS-only access, point-in-time
// recovery, dead letter queues, bounded retries, log retention) live in defaults.go, so every
// construct gets them from one place. Props are plain Go structs whose zero values select
// the documented defaults, and each props type has a Validate method that reports
// conflicting or out-of-range values before any resource is created.
//
// NewLakeStack assembles the stack from LakeStackProps; PropsFromContext reads those props
// from the CDK context (cdk.json and -c flags). The Lambda binaries never import this
// package, so the functions stay free of the CDK and its jsii runtime.
//
// The package name matches its folder, so the jsii constructs module
// (github.com/aws/constructs-go/constructs/v10) is imported here as awsconstructs.
package constructs
