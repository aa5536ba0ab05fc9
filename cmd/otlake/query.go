package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/athena"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/otlake/cloud-telemetry-lake/glue"
	"github.com/otlake/cloud-telemetry-lake/internal/analytics"
	"github.com/otlake/cloud-telemetry-lake/internal/awsstore"
	"github.com/otlake/cloud-telemetry-lake/internal/locallake"
	"github.com/otlake/cloud-telemetry-lake/internal/names"
	"github.com/otlake/cloud-telemetry-lake/internal/objectkey"
)

// Query engines.
const (
	engineDuckDB = "duckdb"
	engineAthena = "athena"
)

// defaultQueryTimeout bounds a whole query run, downloads and Athena polling included.
const defaultQueryTimeout = 10 * time.Minute

type queryOptions struct {
	engine      string
	format      string
	lakeDir     string
	bucket      string
	endpointURL string
	workGroup   string
	database    string
	maxRows     int
	timeout     time.Duration
}

func runQuery(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("query", "[--engine duckdb|athena] [--format table|csv|json] [--lake DIR | --bucket NAME] [NAME|all]", stderr)
	var opts queryOptions
	fs.StringVar(&opts.engine, "engine", engineDuckDB, "query `engine`: duckdb (local lake or a downloaded staged bucket) or athena (the deployed workgroup)")
	fs.StringVar(&opts.format, "format", analytics.FormatTable, "output `format`: table, csv or json")
	fs.StringVar(&opts.lakeDir, "lake", locallake.DefaultDir, "local lake `folder` that duckdb reads staged/parsed/ from")
	fs.StringVar(&opts.bucket, "bucket", "", "staged bucket `name` (ot-telemetry-staged-ACCOUNT) that duckdb downloads parsed/ from, instead of --lake")
	fs.StringVar(&opts.endpointURL, "endpoint-url", "", "AWS endpoint `URL` for S3 and Athena, e.g. http://127.0.0.1:4566 for LocalStack")
	fs.StringVar(&opts.workGroup, "workgroup", names.AthenaWorkgroup, "Athena `workgroup` that holds the named queries")
	fs.StringVar(&opts.database, "database", names.GlueDatabase, "Glue `database` of the Athena queries")
	fs.IntVar(&opts.maxRows, "max-rows", 100, "most `rows` of each table printed by --format table; 0 prints all (csv and json always print all)")
	fs.DurationVar(&opts.timeout, "timeout", defaultQueryTimeout, "`duration` after which the whole run is cancelled")
	fs.Usage = queryUsage(fs.Usage, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	queries, err := selectQueries(fs.Args())
	if err != nil {
		return err
	}
	if err := opts.validate(flagsSet(fs)); err != nil {
		return err
	}
	printer, err := analytics.NewPrinter(stdout, opts.format, opts.maxRows)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), opts.timeout)
	defer cancel()

	engine, header, cleanup, err := openEngine(ctx, opts, stderr)
	if err != nil {
		return err
	}
	defer cleanup()
	defer engine.Close()

	return runQueries(ctx, engine, header, queries, printer)
}

// queryUsage adds the list of named queries to the flag usage.
func queryUsage(flags func(), w io.Writer) func() {
	return func() {
		flags()
		fmt.Fprintln(w, "\nnamed queries (glue/queries/NAME.sql), or all to run each in turn:")
		for _, q := range glue.Queries() {
			fmt.Fprintf(w, "  %-36s %s\n", q.Name, q.Title)
		}
	}
}

// selectQueries returns the queries the arguments name: one query, or all of them for "all"
// or no argument.
func selectQueries(args []string) ([]glue.Query, error) {
	if len(args) > 1 {
		return nil, fmt.Errorf("%w: one query NAME or all expected, got %d arguments", errUsage, len(args))
	}
	if len(args) == 0 || args[0] == "all" {
		return glue.Queries(), nil
	}
	q, ok := glue.Lookup(args[0])
	if !ok {
		return nil, fmt.Errorf("%w: unknown query %q: want all or one of %s", errUsage, args[0], strings.Join(glue.QueryNames(), ", "))
	}
	return []glue.Query{q}, nil
}

// validate checks the flag combination. set holds the names of the flags given.
func (o queryOptions) validate(set map[string]bool) error {
	switch {
	case o.engine != engineDuckDB && o.engine != engineAthena:
		return fmt.Errorf("%w: invalid --engine %q: want duckdb or athena", errUsage, o.engine)
	case o.engine == engineAthena && (set["lake"] || set["bucket"]):
		return fmt.Errorf("%w: --lake and --bucket apply to duckdb only, because athena reads the Glue tables of --database", errUsage)
	case set["lake"] && set["bucket"]:
		return fmt.Errorf("%w: --lake and --bucket are alternatives: give one", errUsage)
	case o.maxRows < 0:
		return fmt.Errorf("%w: invalid --max-rows %d: want 0 or more", errUsage, o.maxRows)
	case o.timeout <= 0:
		return fmt.Errorf("%w: invalid --timeout %s: want a positive duration", errUsage, o.timeout)
	}
	return nil
}

// flagsSet returns the names of the flags given on the command line.
func flagsSet(fs *flag.FlagSet) map[string]bool {
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	return set
}

// openEngine opens the engine the options select and returns the run's header. cleanup
// removes a downloaded copy of the staged bucket.
func openEngine(ctx context.Context, o queryOptions, stderr io.Writer) (analytics.Engine, analytics.Header, func(), error) {
	noCleanup := func() {}

	switch {
	case o.engine == engineAthena:
		cfg, err := loadAWSConfig(ctx, o.endpointURL)
		if err != nil {
			return nil, analytics.Header{}, noCleanup, err
		}
		client := athena.NewFromConfig(cfg, func(opt *athena.Options) {
			if o.endpointURL != "" {
				opt.BaseEndpoint = aws.String(o.endpointURL)
			}
		})
		engine := &analytics.Athena{Client: client, WorkGroup: o.workGroup, Database: o.database}
		header := analytics.Header{Engine: engineAthena, Lake: fmt.Sprintf("Athena workgroup %s, database %s", o.workGroup, o.database)}
		return engine, header, noCleanup, nil

	case o.bucket != "":
		return openBucket(ctx, o, stderr)
	}

	if _, err := os.Stat(o.lakeDir); err != nil {
		return nil, analytics.Header{}, noCleanup, fmt.Errorf("open lake %q: %w: run otlake ingest first, or pass --lake or --bucket", o.lakeDir, err)
	}
	stagedDir := filepath.Join(o.lakeDir, locallake.StagedDir)
	engine, err := analytics.OpenDuckDB(ctx, stagedDir)
	if err != nil {
		return nil, analytics.Header{}, noCleanup, err
	}
	header := analytics.Header{Engine: engineDuckDB, Lake: filepath.Join(stagedDir, objectkey.StagedPrefix) + string(filepath.Separator)}
	return engine, header, noCleanup, nil
}

// openBucket downloads the staged bucket's parsed/ objects into a temporary folder, because
// DuckDB cannot fetch its S3 extension here, and opens DuckDB over the copy.
func openBucket(ctx context.Context, o queryOptions, stderr io.Writer) (analytics.Engine, analytics.Header, func(), error) {
	noCleanup := func() {}
	cfg, err := loadAWSConfig(ctx, o.endpointURL)
	if err != nil {
		return nil, analytics.Header{}, noCleanup, err
	}
	client := newS3Client(cfg, o.endpointURL)

	dir, err := os.MkdirTemp("", "otlake-query-*")
	if err != nil {
		return nil, analytics.Header{}, noCleanup, fmt.Errorf("create download folder: %w", err)
	}
	cleanup := func() { os.RemoveAll(dir) }

	if _, err := analytics.DownloadStaged(ctx, client, o.bucket, dir, newLogger(stderr, false)); err != nil {
		cleanup()
		return nil, analytics.Header{}, noCleanup, err
	}
	engine, err := analytics.OpenDuckDB(ctx, dir)
	if err != nil {
		cleanup()
		return nil, analytics.Header{}, noCleanup, err
	}
	lake := "s3://" + o.bucket + "/" + objectkey.StagedPrefix
	if o.endpointURL != "" {
		lake += " at " + o.endpointURL
	}
	return engine, analytics.Header{Engine: engineDuckDB, Lake: lake}, cleanup, nil
}

// runQueries prints the header and each query's result.
func runQueries(ctx context.Context, engine analytics.Engine, header analytics.Header, queries []glue.Query, printer analytics.Printer) error {
	rows, err := engine.CountRows(ctx)
	if err != nil {
		return err
	}
	header.Rows = rows
	header.Queries = len(queries)
	if err := printer.Header(header); err != nil {
		return err
	}

	for _, q := range queries {
		if err := engine.Run(ctx, q, printer); err != nil {
			printer.Close()
			return err
		}
	}
	return printer.Close()
}

// loadAWSConfig reads the SDK configuration: region, credentials and AWS_ENDPOINT_URL_*.
// With endpointURL set it never consults the instance metadata service.
func loadAWSConfig(ctx context.Context, endpointURL string) (aws.Config, error) {
	return awsstore.LoadConfig(ctx, endpointURL)
}

// newS3Client returns an S3 client, sent to endpointURL with path-style addressing when it
// is set, as LocalStack and other stand-ins need. Objects without a checksum (all of them on
// stand-ins) are not logged: the line would repeat for every download.
func newS3Client(cfg aws.Config, endpointURL string) *s3.Client {
	return s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.DisableLogOutputChecksumValidationSkipped = true
		if endpointURL != "" {
			o.BaseEndpoint = aws.String(endpointURL)
			o.UsePathStyle = true
		}
	})
}
