import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { addPatgateStacks } from '../../../infra/patgate-app.js';

/** The context of cdk.json, so tests synthesize what `npx cdk synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> }).context;
}

/**
 * A CDK App whose output goes to a temp folder that {@link TestApp.dispose}
 * removes (an App without `outdir` would leave a cdk.outXXXX behind).
 */
export interface TestApp {
  readonly app: App;
  readonly outdir: string;
  dispose(): void;
}

/**
 * An App with cdk.json's context plus `context`. `cfnValidation: false`
 * skips CDK's built-in CloudFormation schema validation (about 2 s a synth),
 * for tests about something else; the app's own synths keep it.
 */
export function testApp(context: Record<string, unknown> = {}, opts: { cfnValidation?: boolean } = {}): TestApp {
  const outdir = mkdtempSync(join(tmpdir(), 'patgate-cdk-test-'));
  const app = new App({ outdir, context: { ...cdkJsonContext(), ...context }, builtinCloudFormationValidation: opts.cfnValidation ?? true });
  return { app, outdir, dispose: () => rmSync(outdir, { recursive: true, force: true }) };
}

/** The synthesized template of `stack` (after `app.synth()`). */
export function templateOf(app: App, stack: Stack): Template {
  return Template.fromJSON(app.synth().getStackByName(stack.stackName).template as Record<string, unknown>);
}

/** The whole app, synthesized once, cdk-nag included (a finding throws here). */
export function synthPatgateApp(context: Record<string, unknown> = {}, opts: { cfnValidation?: boolean } = {}) {
  const t = testApp(context, opts);
  const stacks = addPatgateStacks(t.app);
  const assembly = t.app.synth();
  const template = (s: Stack) => Template.fromJSON(assembly.getStackByName(s.stackName).template as Record<string, unknown>);
  return { ...t, ...stacks, assembly, patgateTemplate: template(stacks.patgate), ordersTemplate: template(stacks.ordersExample) };
}
