#!/usr/bin/env node
/** The CDK app: the one place that reads context and environment; cdk-nag AwsSolutions checks every synth. */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { propsFromContext } from '../lib/context-config';
import { CredvendStack } from '../lib/credvend-stack';

const app = new App();
const props = propsFromContext(app.node.getAllContext());

new CredvendStack(app, `credvend-${props.stage}`, {
  ...props,
  description: `credvend (${props.stage}): tenant-scoped, short-lived AWS credentials for JWT-authenticated callers`,
  // Env-agnostic unless the CLI resolved an account and region: synth works offline either way.
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
