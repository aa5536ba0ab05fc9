package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/otlake/cloud-telemetry-lake/internal/fixture"
	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
	"github.com/otlake/cloud-telemetry-lake/internal/rawobject"
)

// fixtureTimeout bounds an upload of a fixture to a bucket.
const fixtureTimeout = 2 * time.Minute

func runFixture(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "malcolm" {
		fmt.Fprintln(stderr, "usage: otlake fixture malcolm [--lake DIR | --bucket NAME] [--date YYYY-MM-DD] [--count N] [--seed N]")
		if len(args) == 0 {
			return fmt.Errorf("%w: no fixture named: want malcolm", errUsage)
		}
		if args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return fmt.Errorf("%w: unknown fixture %q: want malcolm", errUsage, args[0])
	}
	return runFixtureMalcolm(args[1:], stdout, stderr)
}

func runFixtureMalcolm(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("fixture malcolm", "[--lake DIR | --bucket NAME] [--date YYYY-MM-DD] [--count N] [--seed N]", stderr)
	lakeDir := fs.String("lake", locallake.DefaultDir, "lake `folder`: the batch is written to raw/ and processed as otlake ingest would")
	bucket := fs.String("bucket", "", "raw bucket `name` (ot-telemetry-raw-ACCOUNT) to put the batch in, instead of --lake")
	endpointURL := fs.String("endpoint-url", "", "S3 endpoint `URL` for --bucket, e.g. http://127.0.0.1:4566 for LocalStack")
	date := fs.String("date", time.Now().UTC().Format(objectkey.DateLayout), "`date` (YYYY-MM-DD, UTC) of the records; they start at 08:00")
	count := fs.Int("count", 40, fmt.Sprintf("number of alert `records`, 1 to %d", fixture.MaxMalcolmCount))
	seed := fs.Uint64("seed", 1, "random `seed`; the same seed, date and count give the same bytes")
	verbose := fs.Bool("v", false, "log each object as it is processed")
	fs.Usage = fixtureUsage(fs.Usage, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	set := flagsSet(fs)
	if set["lake"] && set["bucket"] {
		return fmt.Errorf("%w: --lake and --bucket are alternatives: give one", errUsage)
	}

	batch, err := fixture.Malcolm(*date, *count, *seed)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	body, err := batch.Gzip()
	if err != nil {
		return err
	}

	if *bucket != "" {
		return putFixture(stdout, *bucket, *endpointURL, batch, body)
	}
	return ingestFixture(stdout, stderr, *lakeDir, *verbose, batch, body)
}

// fixtureUsage adds what the fixture contains to the flag usage.
func fixtureUsage(flags func(), w io.Writer) func() {
	return func() {
		fmt.Fprintln(w, "Writes SYNTHETIC Suricata EVE alerts as Malcolm's sensor logs them: Modbus and S7comm")
		fmt.Fprintln(w, "signatures from the IT zone 172.24.0.0/24 against PLCs in 172.21.0.0/24 and 172.22.0.0/24.")
		fmt.Fprintf(w, "Each record's alert.metadata carries %s=true and %s=%q.\n\n",
			fixture.MetadataSynthetic, fixture.MetadataGenerator, fixture.GeneratorName)
		flags()
	}
}

// ingestFixture writes the batch into the lake's raw folder and processes it with the same
// code as otlake ingest.
func ingestFixture(stdout, stderr io.Writer, lakeDir string, verbose bool, batch fixture.MalcolmBatch, body []byte) error {
	lake, err := locallake.Open(lakeDir)
	if err != nil {
		return err
	}
	defer lake.Close()

	path := lake.Path(locallake.RawDir, batch.Key)
	if err := writeFileReplacing(path, body); err != nil {
		return fmt.Errorf("write fixture %q: %w", path, err)
	}

	in := &locallake.Ingester{
		Lake:   lake,
		Limits: rawobject.Limits{MaxDecompressed: rawobject.DefaultMaxDecompressed, MaxLine: rawobject.DefaultMaxLine},
		Log:    newLogger(stderr, verbose),
	}
	sum, err := in.ProcessKeys(context.Background(), []string{batch.Key})
	if sum != nil {
		fmt.Fprintf(stdout, "synthetic Malcolm fixture: %d EVE alerts in %s\n\n", len(batch.Lines), path)
		printSummary(stdout, lake, sum)
	}
	if err != nil {
		return err
	}
	if n := sum.Failed(); n > 0 {
		return fmt.Errorf("%d of %d objects could not be processed", n, len(sum.Objects))
	}
	return nil
}

// putFixture uploads the batch to the raw bucket; the deployment's bucket notification then
// runs the parser on it.
func putFixture(stdout io.Writer, bucket, endpointURL string, batch fixture.MalcolmBatch, body []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), fixtureTimeout)
	defer cancel()

	cfg, err := loadAWSConfig(ctx, endpointURL)
	if err != nil {
		return err
	}
	client := newS3Client(cfg, endpointURL)
	_, err = client.PutObject(ctx, &s3.PutObjectInput{
		Bucket:      aws.String(bucket),
		Key:         aws.String(batch.Key),
		Body:        bytes.NewReader(body),
		ContentType: aws.String("application/json"),
		// Content-Encoding is left unset: the parser detects gzip by its magic bytes, and a
		// gzip encoding header would make some clients decompress the object on download.
	})
	if err != nil {
		return fmt.Errorf("put fixture s3://%s/%s: %w", bucket, batch.Key, err)
	}
	fmt.Fprintf(stdout, "synthetic Malcolm fixture: %d EVE alerts put to s3://%s/%s\n", len(batch.Lines), bucket, batch.Key)
	return nil
}

// writeFileReplacing writes data to path through a temporary file in the same folder, so the
// lake never holds a partial object.
func writeFileReplacing(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-fixture-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
