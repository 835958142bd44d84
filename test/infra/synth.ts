/** Builds the stack for infra tests: cdk.json's feature flags, bundling skipped, one template per call. */
import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { CredvendStack, type CredvendStackProps } from '../../lib/credvend-stack';

// The feature flags `cdk synth` runs with, so that tests see the template that is deployed.
const { context: cdkJsonContext } = require('../../cdk.json') as { context: Record<string, unknown> };

/** A new app with cdk.json's context; bundling skipped unless `bundle` is set. */
export function testApp(options: { bundle?: boolean; outdir?: string } = {}): App {
  return new App({
    context: { ...cdkJsonContext, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
    ...(options.outdir && { outdir: options.outdir }),
  });
}

/** The stack built from `props` in a fresh app (env-agnostic, like an offline synth). */
export function buildStack(props: CredvendStackProps = {}, app: App = testApp()): CredvendStack {
  return new CredvendStack(app, 'credvend-test', props);
}

/** A synthesized stack, with ways to find a construct's resource in its template. */
export interface Synthesized {
  readonly stack: CredvendStack;
  readonly template: Template;
  /** The logical ID of a construct's default resource (or of the resource itself). */
  logicalIdOf(construct: IConstruct): string;
  /** The template resource of a construct, intrinsics rendered (see `render`). */
  resourceOf(construct: IConstruct): CfnResourceJson;
}

/** Builds and synthesizes the stack from `props`. */
export function synth(props: CredvendStackProps = {}): Synthesized {
  const stack = buildStack(props);
  const template = Template.fromStack(stack);
  const resources = template.toJSON().Resources as Record<string, CfnResourceJson>;
  // Resolving `logicalId` (not `getLogicalId`) honours overrideLogicalId.
  const logicalIdOf = (construct: IConstruct): string =>
    stack.resolve(((construct.node.defaultChild ?? construct) as CfnElement).logicalId);
  return {
    stack,
    template,
    logicalIdOf,
    resourceOf: (construct) => {
      const resource = resources[logicalIdOf(construct)];
      if (resource === undefined) throw new Error(`no resource for ${construct.node.path}`);
      return render(resource) as CfnResourceJson;
    },
  };
}

/**
 * A template value with its intrinsics written out, for exact assertions: `Fn::Join` joined, the partition as
 * `aws`, other references as `<LogicalId>` / `<LogicalId.Attr>`.
 */
export function render(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(render);
  if (value !== null && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if (Array.isArray(node['Fn::Join'])) {
      const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map((part) => String(render(part))).join(delimiter);
    }
    if (typeof node.Ref === 'string') return node.Ref === 'AWS::Partition' ? 'aws' : `<${node.Ref}>`;
    if (Array.isArray(node['Fn::GetAtt'])) {
      const [resource, attribute] = node['Fn::GetAtt'] as [string, string];
      return `<${resource}.${attribute}>`;
    }
    return Object.fromEntries(Object.entries(node).map(([key, v]) => [key, render(v)]));
  }
  return value;
}

/** The one resource of `type` in `template` (fails when there is not exactly one). */
export function onlyResource(
  template: Template,
  type: string,
): { logicalId: string; resource: CfnResourceJson } {
  const found = Object.entries(template.findResources(type));
  if (found.length !== 1) throw new Error(`expected exactly one ${type}, found ${found.length}`);
  const [logicalId, resource] = found[0] as [string, CfnResourceJson];
  return { logicalId, resource };
}

/** `METHOD /path` of every API Gateway method in the template, sorted; paths rebuilt from the resources' parents. */
export function routesOf(synthesized: Synthesized): string[] {
  const resources = synthesized.template.toJSON().Resources as Record<string, CfnResourceJson>;
  const rootRef = render(
    synthesized.stack.resolve(synthesized.stack.api.restApi.restApiRootResourceId),
  ) as string;
  const pathOf = (ref: unknown): string => {
    if (ref === rootRef) return '';
    const id = String(ref).replace(/^<|>$/g, '');
    const resource = resources[id];
    if (resource?.Type !== 'AWS::ApiGateway::Resource') throw new Error(`not a resource: ${String(ref)}`);
    return `${pathOf(render(resource.Properties.ParentId))}/${String(resource.Properties.PathPart)}`;
  };
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::ApiGateway::Method')
    .map((r) => `${String(r.Properties.HttpMethod)} ${pathOf(render(r.Properties.ResourceId)) || '/'}`)
    .sort();
}

/** The logical IDs a resource waits for: its `DependsOn`, and every `Ref`, `Fn::GetAtt` and `Fn::Sub` reference. */
export function dependenciesOf(template: Template, logicalId: string): Set<string> {
  const resources = template.toJSON().Resources as Record<string, CfnResourceJson & { DependsOn?: unknown }>;
  const found = new Set<string>();
  const add = (id: unknown) => {
    if (typeof id === 'string' && id !== logicalId && Object.hasOwn(resources, id)) found.add(id);
  };
  const walk = (value: unknown): void => {
    if (value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    const node = value as Record<string, unknown>;
    add(node.Ref);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt)) add(getAtt[0]);
    if (typeof getAtt === 'string') add(getAtt.split('.')[0]);
    const sub = node['Fn::Sub'];
    const subText = Array.isArray(sub) ? sub[0] : sub;
    if (typeof subText === 'string') {
      for (const [, name] of subText.matchAll(/\$\{([^}!][^}]*)\}/g)) add(name?.split('.')[0]);
    }
    for (const item of Object.values(node)) walk(item);
  };
  const resource = resources[logicalId];
  walk(resource?.Properties);
  for (const id of [resource?.DependsOn ?? []].flat()) add(id);
  return found;
}

/** A resource as the template holds it. */
export interface CfnResourceJson {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

/** A statement of a policy in a synthesized template (trust or permissions), intrinsics rendered. */
export interface PolicyStatement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
