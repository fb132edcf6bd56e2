/**
 * One way to make patgate's Lambda functions: arm64, a current Node.js
 * runtime, a log group with a retention period, and a role of its own that
 * starts with nothing but writing to that log group (no AWS managed policy,
 * so every permission the function has is spelled out next to it).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The runtime patgate's functions use unless told otherwise. */
export const DEFAULT_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** How long function and access logs are kept unless told otherwise. */
export const DEFAULT_LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** The reason given to cdk-nag's AwsSolutions-L1 ("latest runtime") for Node.js 24. */
export const RUNTIME_ACK_REASON =
  'Node.js 24 (LTS) is the newest runtime AWS offers in every region (CDK\'s Runtime.NODEJS_LATEST); nodejs26.x is newer but not yet available everywhere. ' +
  'The runtime is a prop, so a deployment in a region with nodejs26.x can move on.';

/** Options for {@link PatgateFunction}. */
export interface PatgateFunctionProps {
  readonly code: lambda.Code;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  readonly environment: Record<string, string>;
  /** @default Runtime.NODEJS_24_X */
  readonly runtime?: lambda.Runtime;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /** @default 'index.handler' */
  readonly handler?: string;
}

/** A Lambda function with its own role and log group. */
export class PatgateFunction extends Construct {
  readonly function: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PatgateFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? DEFAULT_LOG_RETENTION,
      // Logs go with the function; the table and keys are what must survive.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    // CreateLogStream and PutLogEvents on this log group's streams only.
    this.logGroup.grantWrite(this.role);
    const runtime = props.runtime ?? DEFAULT_RUNTIME;
    this.function = new lambda.Function(this, 'Function', {
      runtime,
      architecture: lambda.Architecture.ARM_64,
      handler: props.handler ?? 'index.handler',
      code: props.code,
      description: props.description,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
    });
    // The policy must exist before the function first runs and writes logs.
    this.function.node.addDependency(this.role);
    if (runtime.name === lambda.Runtime.NODEJS_24_X.name) {
      Validations.of(this.function).acknowledge({ id: 'AwsSolutions::AwsSolutions-L1', reason: RUNTIME_ACK_REASON });
    }
  }
}
