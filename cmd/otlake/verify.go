package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/detection"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// errStagesEmpty is returned when a stage holds nothing or could not be read.
var errStagesEmpty = errors.New("pipeline stages without data")

// verifyTimeout bounds the whole command, so an unreachable endpoint fails instead of hanging.
const verifyTimeout = 2 * time.Minute

// maxShown bounds how many partitions or subjects a stage line lists.
const maxShown = 3

// stageResult is one line of the verify summary.
type stageResult struct {
	name   string
	count  int
	detail string
	err    error
}

func (r stageResult) status() string {
	switch {
	case r.err != nil:
		return "FAILED"
	case r.count == 0:
		return "EMPTY"
	}
	return "ok"
}

// verifyTarget names the deployment that verify reads.
type verifyTarget struct {
	stagedBucket, reportsBucket string
	notificationsQueue          string
	wait                        time.Duration
}

func runVerify(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", "[--endpoint-url URL] [--account ID] [--suffix S] [--wait D]", stderr)
	endpointURL := fs.String("endpoint-url", "", "send every AWS call to this `URL` (LocalStack: http://127.0.0.1:4566); default: AWS, or AWS_ENDPOINT_URL_<SERVICE>")
	account := fs.String("account", "", "account `ID` in the bucket names; default: the caller's account from STS")
	suffix := fs.String("suffix", "", "name `suffix` of the deployment (the CDK app's suffix context), appended to bucket, table and queue names")
	pathStyle := fs.Bool("s3-path-style", false, "address buckets in the URL path, as emulators need")
	wait := fs.Duration("wait", 2*time.Second, "how long to wait for an alert in the notifications queue, as a `duration` from 0s (one short poll) to 20s")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	if *wait < 0 || *wait > 20*time.Second {
		return fmt.Errorf("%w: invalid --wait %s: want 0s to 20s", errUsage, *wait)
	}

	ctx, cancel := context.WithTimeout(context.Background(), verifyTimeout)
	defer cancel()
	cfg, clients, err := awsstore.Load(ctx, *endpointURL, *pathStyle)
	if err != nil {
		return err
	}

	// Bucket names end in the account ID, which STS returns when the flag does not set it.
	if *account == "" {
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return fmt.Errorf("get caller identity: %w (set --account to skip this call)", err)
		}
		*account = aws.ToString(id.Account)
	}
	target := verifyTarget{
		stagedBucket:       names.Bucket(names.StagedBucketPrefix, *account, *suffix),
		reportsBucket:      names.Bucket(names.ReportsBucketPrefix, *account, *suffix),
		notificationsQueue: names.Suffixed(names.NotificationsQueue, *suffix),
		wait:               *wait,
	}
	fmt.Fprintf(stdout, "verify: region %s, account %s\n", cfg.Region, *account)

	results := []stageResult{
		verifyDetections(ctx, &awsstore.Detections{Client: clients.DynamoDB, Table: names.Suffixed(names.DetectionsTable, *suffix)}),
		verifyStaged(ctx, clients.S3, target.stagedBucket),
		verifyReports(ctx, clients.S3, target.reportsBucket),
		verifyNotifications(ctx, sqs.NewFromConfig(cfg), target),
	}
	return printStages(stdout, results)
}

// printStages writes one line per stage and returns errStagesEmpty naming the stages that
// are empty or failed.
func printStages(w io.Writer, results []stageResult) error {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	var bad []string
	for _, r := range results {
		detail := r.detail
		if r.err != nil {
			detail = r.err.Error()
		}
		fmt.Fprintf(tw, "  %s\t%s\t%d\t%s\n", r.name, r.status(), r.count, detail)
		if r.status() != "ok" {
			bad = append(bad, r.name)
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(bad) > 0 {
		return fmt.Errorf("%w: %s; run the pipeline (upload a raw object) and check the Lambdas' logs", errStagesEmpty, strings.Join(bad, ", "))
	}
	fmt.Fprintf(w, "verify: all %d stages hold data\n", len(results))
	return nil
}

// verifyDetections scans the table and counts the detections by severity.
func verifyDetections(ctx context.Context, table *awsstore.Detections) stageResult {
	r := stageResult{name: "detections"}
	dets, err := table.Scan(ctx, 0)
	if err != nil {
		r.err = err
		return r
	}
	r.count = len(dets)

	bySeverity := map[string]int{}
	for _, d := range dets {
		bySeverity[d.Severity]++
	}
	var parts []string
	for _, s := range []string{detection.SeverityCritical, detection.SeverityHigh, detection.SeverityMedium, detection.SeverityLow} {
		if bySeverity[s] > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", s, bySeverity[s]))
		}
	}
	r.detail = fmt.Sprintf("items in table %s", names.DetectionsTable)
	if len(parts) > 0 {
		r.detail += " (" + strings.Join(parts, ", ") + ")"
	}
	return r
}

// verifyStaged counts the staged Parquet objects and their date/source partitions.
func verifyStaged(ctx context.Context, client *s3.Client, bucket string) stageResult {
	r := stageResult{name: "staged"}
	keys, err := listKeys(ctx, client, bucket, objectkey.StagedPrefix)
	if err != nil {
		r.err = err
		return r
	}
	r.count = len(keys)

	partitions := map[string]bool{}
	for _, k := range keys {
		rest := strings.TrimPrefix(k, objectkey.StagedPrefix)
		if i := strings.LastIndexByte(rest, '/'); i > 0 {
			partitions[rest[:i]] = true
		}
	}
	list := make([]string, 0, len(partitions))
	for p := range partitions {
		list = append(list, p)
	}
	sort.Strings(list)
	r.detail = fmt.Sprintf("Parquet objects in %d partitions of s3://%s/%s%s", len(list), bucket, objectkey.StagedPrefix, shortList(list))
	return r
}

// verifyReports counts the incident reports.
func verifyReports(ctx context.Context, client *s3.Client, bucket string) stageResult {
	r := stageResult{name: "reports"}
	keys, err := listKeys(ctx, client, bucket, objectkey.ReportPrefix)
	if err != nil {
		r.err = err
		return r
	}
	r.count = len(keys)
	r.detail = fmt.Sprintf("incident reports in s3://%s/%s", bucket, objectkey.ReportPrefix)
	return r
}

// verifyNotifications receives up to 10 alerts without consuming them: each received
// message is made visible again at once, so the next reader still gets it.
func verifyNotifications(ctx context.Context, client *sqs.Client, target verifyTarget) stageResult {
	r := stageResult{name: "notifications"}
	queue, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(target.notificationsQueue)})
	if err != nil {
		r.err = fmt.Errorf("get queue URL of %q: %w", target.notificationsQueue, err)
		return r
	}
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:            queue.QueueUrl,
		MaxNumberOfMessages: 10,
		// The SDK omits a zero here and the queue's default applies, so hide for 1 s.
		VisibilityTimeout: 1,
		WaitTimeSeconds:   int32(target.wait / time.Second),
	})
	if err != nil {
		r.err = fmt.Errorf("receive from queue %q: %w", target.notificationsQueue, err)
		return r
	}
	r.count = len(out.Messages)

	var subjects []string
	for _, m := range out.Messages {
		_, err := client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{
			QueueUrl: queue.QueueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0,
		})
		if err != nil {
			r.err = fmt.Errorf("release message in queue %q: %w", target.notificationsQueue, err)
			return r
		}
		if s := notificationSubject(aws.ToString(m.Body)); s != "" {
			subjects = append(subjects, s)
		}
	}
	r.detail = fmt.Sprintf("alerts received from %s (up to 10, left in the queue)%s", target.notificationsQueue, shortList(subjects))
	return r
}

// listKeys returns every key under prefix.
func listKeys(ctx context.Context, client *s3.Client, bucket, prefix string) ([]string, error) {
	var keys []string
	pages := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list s3://%s/%s: %w", bucket, prefix, err)
		}
		for _, o := range page.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
	}
	return keys, nil
}

// shortList renders up to maxShown items as ": a; b; c (+n more)", or "" for none.
func shortList(items []string) string {
	if len(items) == 0 {
		return ""
	}
	shown := items[:min(len(items), maxShown)]
	s := ": " + strings.Join(shown, "; ")
	if len(items) > maxShown {
		s += fmt.Sprintf(" (+%d more)", len(items)-maxShown)
	}
	return s
}
