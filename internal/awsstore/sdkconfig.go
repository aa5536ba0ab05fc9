package awsstore

import (
	"context"
	"fmt"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
)

// Settings used against an emulator such as LocalStack when the environment names none.
const (
	emulatorRegion    = "us-east-1"
	emulatorAccessKey = "test" // LocalStack accepts any key pair
)

// LoadConfig reads the SDK configuration from the environment. With endpointURL set, the
// caller talks to an emulator, so the EC2 instance metadata client is disabled and the region
// and credentials fall back to us-east-1 and test keys when the environment sets none. A
// laptop without AWS settings then sends nothing off the machine.
func LoadConfig(ctx context.Context, endpointURL string) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if endpointURL != "" {
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
		if os.Getenv("AWS_REGION") == "" && os.Getenv("AWS_DEFAULT_REGION") == "" && os.Getenv("AWS_PROFILE") == "" {
			opts = append(opts, config.WithRegion(emulatorRegion))
		}
		if os.Getenv("AWS_ACCESS_KEY_ID") == "" && os.Getenv("AWS_PROFILE") == "" {
			opts = append(opts, config.WithCredentialsProvider(
				credentials.NewStaticCredentialsProvider(emulatorAccessKey, emulatorAccessKey, "")))
		}
	}

	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, fmt.Errorf("load AWS configuration: %w", err)
	}
	if endpointURL != "" {
		cfg.BaseEndpoint = aws.String(endpointURL)
	}
	return cfg, nil
}
