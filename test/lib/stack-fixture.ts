import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { DEFAULT_CONFIG_PATH, overlayConfig, parseAppConfig, type AppConfig } from '../../lib/product/app-config.js';
import { OnboardingStack } from '../../lib/product/onboarding-stack.js';

export const TEST_DEPLOY_NONCE = 'test-deploy-nonce';

/** The bundled example config, parsed, with overrides merged in (same format as config/example.json). */
export function exampleConfig(overrides: Record<string, unknown> = {}, source = DEFAULT_CONFIG_PATH): AppConfig {
  const example = JSON.parse(readFileSync(DEFAULT_CONFIG_PATH, 'utf8')) as Record<string, unknown>;
  return parseAppConfig(overlayConfig(example, overrides), source).config;
}

/** A synth-only app: no asset bundling, no CloudFormation validation, a fixed deploy nonce. */
export function testApp(context: Record<string, unknown> = {}): App {
  return new App({
    // Path metadata lets tests find a resource by its construct path instead of a hashed logical id.
    context: { 'aws:cdk:bundling-stacks': [], 'aws:cdk:enable-path-metadata': true, deployNonce: TEST_DEPLOY_NONCE, ...context },
    builtinCloudFormationValidation: false,
  });
}

export interface SynthesizedStack {
  app: App;
  stack: OnboardingStack;
  template: Template;
}

export function synthStack(config: AppConfig = exampleConfig(), context: Record<string, unknown> = {}): SynthesizedStack {
  const app = testApp(context);
  const stack = new OnboardingStack(app, config.stackName, { config });
  return { app, stack, template: Template.fromStack(stack) };
}

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
  Metadata?: Record<string, unknown>;
}
export type Resources = Record<string, Resource>;

export function resourcesOf(template: Template): Resources {
  return (template.toJSON() as { Resources: Resources }).Resources;
}

/** The resource with this logical id; throws when there is none. */
export function resourceById(resources: Resources, logicalId: string): Resource {
  const resource = resources[logicalId];
  if (resource === undefined) throw new Error(`The template has no resource ${logicalId}.`);
  return resource;
}

/**
 * Where a resource sits below the stack's CloudTrailOnboarding construct, e.g.
 * `Offboarding/CheckOrderFunction/Resource` (from the path metadata that {@link testApp} turns on).
 */
export function pathBelowOnboarding(resource: Resource): string {
  const cdkPath = resource.Metadata?.['aws:cdk:path'];
  if (typeof cdkPath !== 'string') throw new Error(`A ${resource.Type} has no aws:cdk:path metadata.`);
  const [, construct, ...below] = cdkPath.split('/');
  if (construct !== 'Onboarding') throw new Error(`${cdkPath} is not below the stack's Onboarding construct.`);
  return below.join('/');
}

/** The logical id of the single resource of a type whose cdk path ends with `pathSuffix`. */
export function logicalIdOf(template: Template, type: string, pathSuffix: string): string {
  const matches = Object.entries(template.findResources(type)).filter(([, resource]) => {
    const cdkPath = (resource as { Metadata?: Record<string, unknown> }).Metadata?.['aws:cdk:path'];
    return typeof cdkPath === 'string' && cdkPath.endsWith(pathSuffix);
  });
  if (matches.length !== 1) throw new Error(`Expected one ${type} at …${pathSuffix}, found ${matches.length}.`);
  return matches[0]![0];
}

/** Assertions by intent, named so the linter knows they assert (Template's own methods throw on mismatch). */
export function expectResource(template: Template, type: string, properties: unknown): void {
  template.hasResourceProperties(type, properties);
}

export function expectResourceCount(template: Template, type: string, count: number): void {
  template.resourceCountIs(type, count);
}

export function expectOutput(template: Template, id: string, properties: unknown): void {
  template.hasOutput(id, properties);
}
