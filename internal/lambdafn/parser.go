package lambdafn

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/pipeline"
)

// DefaultTimeReserve is the time before the invocation's deadline after which the parser
// starts no new message. A message cut off by the timeout fails the whole batch, messages already done
// included, while a message left unstarted fails alone and is retried.
const DefaultTimeReserve = 10 * time.Second

// ParserHandler is the ot-log-parser function: SQS messages carrying S3 notifications in,
// staged Parquet, quarantine objects and detection items out.
type ParserHandler struct {
	Parser *pipeline.Parser
	Log    *slog.Logger
	// TimeReserve overrides DefaultTimeReserve when positive.
	TimeReserve time.Duration
}

// parserTally counts the outcomes of one invocation for its summary line.
type parserTally struct {
	messages, failedMessages, testEvents int
	deferred                             int
	objects, failedObjects, skipped      int
	missing, ignoredRecords              int
	records, badLines, detections        int
}

// Handle processes every object of every message. A message fails alone, by its message ID,
// when its body cannot be read or one of its objects cannot be processed. The returned
// error is always nil because no failure loses the whole batch.
func (h *ParserHandler) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	start := time.Now()
	log := requestLogger(ctx, h.Log)
	var resp events.SQSEventResponse
	var tally parserTally

	reserve := DefaultTimeReserve
	if h.TimeReserve > 0 {
		reserve = h.TimeReserve
	}

	for _, msg := range ev.Records {
		tally.messages++

		// Too close to the deadline: leave the message for the retry.
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < reserve {
			tally.deferred++
			log.Warn("message deferred: invocation deadline near", "message_id", msg.MessageId,
				"time_left_ms", time.Until(deadline).Milliseconds())
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
			continue
		}

		if !h.handleMessage(ctx, log.With("message_id", msg.MessageId), msg, &tally) {
			tally.failedMessages++
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: msg.MessageId})
		}
	}

	log.Info("batch processed",
		"messages", tally.messages, "failed_messages", tally.failedMessages, "deferred_messages", tally.deferred,
		"test_events", tally.testEvents,
		"objects", tally.objects, "failed_objects", tally.failedObjects, "skipped_objects", tally.skipped,
		"missing_objects", tally.missing, "ignored_records", tally.ignoredRecords,
		"records", tally.records, "bad_lines", tally.badLines, "detections", tally.detections,
		"duration_ms", time.Since(start).Milliseconds())
	return resp, nil
}

// handleMessage reports whether the message is done; false puts it in batchItemFailures.
func (h *ParserHandler) handleMessage(ctx context.Context, log *slog.Logger, msg events.SQSMessage, tally *parserTally) bool {
	note, err := ParseNotification(msg.Body)
	if err != nil {
		log.Error("unreadable message", "err", err)
		return false
	}
	if note.TestEvent {
		tally.testEvents++
		log.Debug("s3 test event acknowledged")
		return true
	}
	tally.ignoredRecords += note.Ignored

	// The parser logs with the request and message IDs too.
	parser := *h.Parser
	parser.Log = log

	// Every object is tried even after one fails, so a retry redoes only idempotent work.
	ok := true
	for _, ref := range note.Created {
		olog := log.With("bucket", ref.Bucket, "key", ref.Key)
		if reason := ref.Skip(); reason != "" {
			tally.skipped++
			olog.Debug("object skipped", "reason", reason)
			continue
		}

		tally.objects++
		res, err := parser.Process(ctx, ref.Bucket, ref.Key)
		if errors.Is(err, awsstore.ErrObjectNotFound) {
			// Deleted after the event was sent: a retry cannot find it either.
			tally.missing++
			olog.Warn("object no longer exists", "err", err)
			continue
		}
		if err != nil {
			tally.failedObjects++
			olog.Error("object failed", "err", err)
			ok = false
			continue
		}
		tally.records += res.Records
		tally.badLines += res.BadLines
		tally.detections += len(res.Detections)
	}
	return ok
}
