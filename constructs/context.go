package constructs

import (
	"fmt"
	"strconv"

	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// Context keys that PropsFromContext reads, set in cdk.json or with cdk -c key=value.
const (
	ContextAnalytics           = "analytics"           // true or false
	ContextArch                = "arch"                // arm64 or x86_64
	ContextSuffix              = "suffix"              // name suffix
	ContextNotifications       = "notifications"       // custom-resource or l1
	ContextLambdaDir           = "lambdaDir"           // folder of the function builds
	ContextReservedConcurrency = "reservedConcurrency" // true or false
	ContextS3PathStyle         = "s3PathStyle"         // true or false
)

// PropsFromContext reads the stack props from the context of node (normally the app's). An
// unset key keeps the prop's default; a value of the wrong kind is an error naming the key.
func PropsFromContext(node awsconstructs.Node) (LakeStackProps, error) {
	var props LakeStackProps
	var err error

	if props.Analytics, err = contextBool(node, ContextAnalytics, false); err != nil {
		return props, err
	}
	reserve, err := contextBool(node, ContextReservedConcurrency, true)
	if err != nil {
		return props, err
	}
	props.UnreservedConcurrency = !reserve

	if props.S3PathStyle, err = contextBool(node, ContextS3PathStyle, false); err != nil {
		return props, err
	}

	if props.Architecture, err = contextString(node, ContextArch); err != nil {
		return props, err
	}
	if props.NameSuffix, err = contextString(node, ContextSuffix); err != nil {
		return props, err
	}
	mode, err := contextString(node, ContextNotifications)
	if err != nil {
		return props, err
	}
	props.Notifications = NotificationMode(mode)
	if props.LambdaDir, err = contextString(node, ContextLambdaDir); err != nil {
		return props, err
	}

	return props, props.Validate()
}

// contextBool reads a boolean context value: a JSON boolean from cdk.json, or the string
// "true" or "false" from the command line. An unset key returns def.
func contextBool(node awsconstructs.Node, key string, def bool) (bool, error) {
	switch v := node.TryGetContext(jsii.String(key)).(type) {
	case nil:
		return def, nil
	case bool:
		return v, nil
	case string:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return def, fmt.Errorf("read context %s %q: want true or false", key, v)
		}
		return b, nil
	default:
		return def, fmt.Errorf("read context %s %v: want true or false", key, v)
	}
}

// contextString reads a string context value; an unset key returns "".
func contextString(node awsconstructs.Node, key string) (string, error) {
	switch v := node.TryGetContext(jsii.String(key)).(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	default:
		return "", fmt.Errorf("read context %s %v: want a string", key, v)
	}
}
