// Package awsstore implements the pipeline's store interfaces on AWS with aws-sdk-go-v2:
// Objects reads raw objects and writes staged objects and incident reports in S3,
// Detections writes and queries the ot_detections table in DynamoDB, and Notifier publishes
// alerts to SNS.
//
// Load builds the SDK configuration once, at a Lambda's cold start or a command's start, from
// the standard AWS variables (AWS_ENDPOINT_URL_<SERVICE> points a client at an emulator) and
// the OTLAKE_* variables named in internal/names.
package awsstore
