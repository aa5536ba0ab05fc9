// Package lambdafn holds the two Lambda handlers: ParserHandler (ot-log-parser) reads S3
// notifications from SQS messages and runs the pipeline's Parser on each new object, and
// AggregatorHandler (ot-incident-aggregator) reads the detections table's stream and runs
// the pipeline's Aggregator on the new detections.
//
// Both return partial batch failures: a message or record that cannot be handled is named
// in batchItemFailures and the rest of the batch commits. Neither ever exits the process.
package lambdafn
