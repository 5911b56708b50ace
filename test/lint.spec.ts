import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const projectRoot = join(__dirname, '..');

interface LintOutcome {
  errorCount: number;
  formatted: string;
  messages: Array<{ ruleId: string | null; message: string }>;
}

// ESLint loads eslint.config.mjs with import(), which jest's module sandbox refuses without
// --experimental-vm-modules, so the Node API runs in a plain child process.
const runner = `
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';

const sample = process.argv[1] ? JSON.parse(process.argv[1]) : null;
// A sample file is not in tsconfig's program; the determinism rules need no types anyway.
const eslint = new ESLint({ cwd: process.cwd(), overrideConfig: sample ? tseslint.configs.disableTypeChecked : [] });
const results = sample ? await eslint.lintText(sample.code, { filePath: sample.filePath }) : await eslint.lintFiles(['.']);
const formatter = await eslint.loadFormatter('stylish');
process.stdout.write(JSON.stringify({
  errorCount: results.reduce((sum, result) => sum + result.errorCount, 0),
  formatted: await formatter.format(results),
  messages: results.flatMap((result) => result.messages.map(({ ruleId, message }) => ({ ruleId, message }))),
}));
`;

async function lint(sample?: { code: string; filePath: string }): Promise<LintOutcome> {
  const args = ['--input-type=module', '--eval', runner, ...(sample ? [JSON.stringify(sample)] : [])];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: projectRoot, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as LintOutcome;
}

describe('lint', () => {
  // Type-aware rules build the whole program: about 40 s on two busy cores, and growing with the code.
  it('finds no errors in the codebase', async () => {
    const { errorCount, formatted } = await lint();

    expect(formatted).toBe('');
    expect(errorCount).toBe(0);
  }, 180_000);

  it('keeps Node built-ins out of workflow code', async () => {
    const code = "import { readFileSync } from 'node:fs';\n\nexport const read = (): string => readFileSync('x', 'utf8');\n";

    const { messages } = await lint({ code, filePath: 'workflows/example.workflow.ts' });

    expect(messages).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining("'node:fs'") }]);
  });

  it('allows only type imports from activities in workflow code', async () => {
    const code = [
      "import type { ToolActivities } from '../activities/tool.activities';",
      "import { createToolActivities } from '../activities/tool.activities';",
      '',
      'export const activities: ReturnType<typeof createToolActivities> | ToolActivities | null = null;',
      '',
    ].join('\n');

    const { messages } = await lint({ code, filePath: 'workflows/example.workflow.ts' });

    expect(messages).toEqual([{ ruleId: 'no-restricted-imports', message: expect.stringContaining("'../activities/tool.activities'") }]);
  });

  it('keeps libs/config above the contracts only', async () => {
    const code = [
      "import { DEFAULT_TASK_QUEUE } from '@flowmate/contracts';",
      "import { isPublicAddress } from '@flowmate/integrations';",
      "import { createDataSource } from '../../db/src';",
      '',
      'export const parts = [DEFAULT_TASK_QUEUE, isPublicAddress, createDataSource];',
      '',
    ].join('\n');

    const { messages } = await lint({ code, filePath: 'libs/config/src/example.ts' });

    expect(messages).toEqual([
      { ruleId: 'no-restricted-imports', message: expect.stringContaining("'@flowmate/integrations'") },
      { ruleId: 'no-restricted-imports', message: expect.stringContaining("'../../db/src'") },
    ]);
  });
});
