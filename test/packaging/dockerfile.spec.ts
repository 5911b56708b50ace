import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { isPinnedImage } from './pinned-images';
import { readText, ROOT } from './repository-files';

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, continuation lines joined, comments dropped. */
function instructions(path: string): Instruction[] {
  return readText(path)
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

const dockerfile = instructions('Dockerfile');
const argsOf = (keyword: string): string[] => dockerfile.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
const finalStage = dockerfile.slice(dockerfile.map((instruction) => instruction.keyword).lastIndexOf('FROM'));
const finalArgsOf = (keyword: string): string[] => finalStage.filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
const execForm = (args: string): string[] => JSON.parse(args) as string[];

/** `.dockerignore` patterns as anchored regular expressions (the subset this project uses: `*`, `**`). */
const dockerIgnored = (path: string): boolean =>
  readText('.dockerignore')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .some((pattern) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]]/g, '\\$&').replace(/\*\*\//g, '(.*/)?').replace(/\*/g, '[^/]*')}(/|$)`).test(path));

describe('Dockerfile', () => {
  it('builds from a pinned Node 20 image in every stage', () => {
    const bases = argsOf('FROM').map((args) => args.split(' ')[0]);

    expect(bases.length).toBeGreaterThanOrEqual(2);
    expect(bases.filter((image) => !/^node:20\./.test(image) || !isPinnedImage(image))).toEqual([]);
  });

  it('copies into the final stage only production dependencies and the build output', () => {
    const copies = finalArgsOf('COPY');
    const dependencyStage = argsOf('FROM').find((args) => args.endsWith('AS production-dependencies'));
    const dependencyInstall = dockerfile.slice(dockerfile.findIndex((instruction) => instruction.args === dependencyStage)).find((instruction) => instruction.keyword === 'RUN');

    expect(copies).toEqual(['--from=production-dependencies /app/node_modules ./node_modules', '--from=build /app/package.json ./package.json', '--from=build /app/dist ./dist']);
    expect(dependencyInstall?.args).toContain('npm ci --omit=dev');
  });

  it('copies into the build stage files that exist and that .dockerignore lets through', () => {
    const sources = argsOf('COPY')
      .filter((args) => !args.startsWith('--from'))
      .flatMap((args) => args.split(' ').slice(0, -1))
      .filter((source) => source !== '.');
    const buildInputs = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'apps/api/src/main.ts', 'libs/db/src/index.ts', 'workflows/index.ts', 'activities/index.ts', 'scripts/migrate.ts', 'scripts/build-workflow-bundle.ts'];

    expect(sources).toEqual(['package.json', 'package-lock.json', 'package.json', 'package-lock.json']);
    expect(buildInputs.filter((path) => !existsSync(join(ROOT, path)))).toEqual([]);
    expect(buildInputs.filter(dockerIgnored)).toEqual([]);
    expect(['node_modules', 'dist', '.git', '.env', 'test/e2e/agents.e2e-spec.ts'].filter((path) => !dockerIgnored(path))).toEqual([]);
  });

  it('starts the API by default, from a file the build produces; the worker and migrations run from the same image', () => {
    const [command] = finalArgsOf('CMD').map(execForm);

    expect(command).toEqual(['node', 'dist/apps/api/src/main.js']);
    for (const entry of [command[1], 'dist/apps/worker/src/main.js', 'dist/scripts/migrate.js']) expect(existsSync(join(ROOT, entry))).toBe(true);
  });

  it('points the worker at the prebuilt workflow bundle', () => {
    const bundle = /WORKFLOW_BUNDLE_PATH=(\S+)/.exec(finalArgsOf('ENV').join(' '))?.[1];

    expect(bundle).toBe('/app/dist/workflow-bundle.js');
    expect(existsSync(join(ROOT, bundle?.replace('/app/', '') ?? 'missing'))).toBe(true);
  });

  it('runs as a user other than root', () => {
    const users = finalArgsOf('USER');

    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
  });

  it('checks the API liveness route with node, the slim image having no curl', () => {
    const [healthcheck] = finalArgsOf('HEALTHCHECK');
    const command = execForm(healthcheck.slice(healthcheck.indexOf('CMD ') + 4));

    expect(command.slice(0, 2)).toEqual(['node', '-e']);
    expect(command[2]).toContain("fetch('http://127.0.0.1:3000/health/live')");
  });
});
