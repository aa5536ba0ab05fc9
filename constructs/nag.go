package constructs

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	awsconstructs "github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"
)

// suppress records that the cdk-nag rule id does not apply to resource and its children, and
// why. appliesTo narrows the suppression to the listed findings, for example one IAM
// resource pattern ("Resource::<RawBucket.Arn>/*"), so other findings of the same rule on the
// same resource still fail.
func suppress(resource awsconstructs.IConstruct, id, reason string, appliesTo ...string) {
	s := &cdknag.NagPackSuppression{Id: jsii.String(id), Reason: jsii.String(reason)}
	if len(appliesTo) > 0 {
		list := make([]interface{}, 0, len(appliesTo))
		for _, a := range appliesTo {
			list = append(list, a)
		}
		s.AppliesTo = &list
	}
	cdknag.NagSuppressions_AddResourceSuppressions(resource, &[]*cdknag.NagPackSuppression{s}, jsii.Bool(true))
}

// logicalID returns the CloudFormation logical ID of the L1 resource behind c, as cdk-nag
// spells it in IAM findings ("Resource::<LogicalId.Arn>/*").
func logicalID(c awsconstructs.IConstruct) string {
	element := c.Node().DefaultChild().(awscdk.CfnElement)
	return *awscdk.Stack_Of(c).GetLogicalId(element)
}
