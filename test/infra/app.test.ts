import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('npx cdk synth', () => {
  it('synthesizes both stacks offline, the way a user runs it, and leaves no cdk.out behind', async () => {
    const work = mkdtempSync(join(tmpdir(), 'patgate-cdk-synth-'));
    const networkLog = join(work, 'network.log');
    const before = readdirSync('.').filter((f) => f.startsWith('cdk.out'));
    try {
      const started = Date.now();
      const { stdout, stderr } = await run('npx', ['cdk', 'synth', '--output', join(work, 'out')], {
        timeout: 120_000,
        env: {
          PATH: process.env.PATH,
          HOME: work, // no ~/.aws, no CDK cache: a fresh machine
          AWS_CONFIG_FILE: join(work, 'aws-config'),
          AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
          // The test run's global setup built dist/ once; a second build here would swap it under other test files.
          PATGATE_SKIP_BUILD: '1',
          // Every node process of the run refuses, and records, any network access.
          NODE_OPTIONS: `--require ${resolve('test/infra/support/no-network.cjs')}`,
          PATGATE_NETWORK_LOG: networkLog,
        },
      });
      const seconds = (Date.now() - started) / 1000;
      expect(`${stdout}${stderr}`).toMatch(/Successfully synthesized/);
      expect(existsSync(networkLog) ? readFileSync(networkLog, 'utf8') : '', 'network access during synth').toBe('');
      for (const stack of ['Patgate', 'PatgateOrdersExample']) {
        const template = JSON.parse(readFileSync(join(work, 'out', `${stack}.template.json`), 'utf8')) as { Resources: Record<string, unknown> };
        expect(Object.keys(template.Resources).length).toBeGreaterThan(10);
      }
      // Shown in the test output, not asserted: speed is measured, never a test condition.
      console.log(`npx cdk synth took ${seconds.toFixed(1)} s`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    expect(readdirSync('.').filter((f) => f.startsWith('cdk.out'))).toEqual(before);
  }, 180_000);
});
