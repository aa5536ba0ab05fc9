// Command cloud-telemetry-lake is the AWS CDK app of the OtTelemetryLake stack; cdk.json
// runs it with "go run .". It reads the stack props from the CDK context, checks the stack
// against the cdk-nag AwsSolutions rules and synthesizes the template into cdk.out.
//
// The context keys are analytics (true or false), arch (arm64 or x86_64), suffix (a name
// suffix for another copy in the same account), notifications (custom-resource or l1) and
// lambdaDir (default build/lambdas). reservedConcurrency (true or false) and s3PathStyle
// (true for LocalStack, so the functions address buckets in the URL path) complete them.
package main

import (
	"fmt"
	"os"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/otlake/cloud-telemetry-lake/constructs"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
)

func main() {
	err := run()

	// Close stops the node child process; os.Exit would skip a deferred call.
	jsii.Close()
	if err != nil {
		fmt.Fprintf(os.Stderr, "synth %s: %v\n", names.StackName, err)
		os.Exit(1)
	}
}

// run builds the app and synthesizes it.
func run() error {
	app := awscdk.NewApp(nil)

	props, err := constructs.PropsFromContext(app.Node())
	if err != nil {
		return err
	}
	if _, err := constructs.NewLakeStack(app, props); err != nil {
		return err
	}

	// cdk-nag reports each unsuppressed AwsSolutions finding as an error annotation, which
	// makes cdk synth and cdk deploy fail before anything is deployed.
	awscdk.Aspects_Of(app).Add(cdknag.NewAwsSolutionsChecks(&cdknag.NagPackProps{Verbose: jsii.Bool(true)}), nil)

	app.Synth(nil)
	return nil
}
