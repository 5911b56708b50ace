import type { AgentDefinition } from '@flowmate/contracts';
import { factory } from '../../../../../test/support/factory';
import { versionSummary } from './version-summary';

const v = (version: number, definition: AgentDefinition, restoredFrom: number | null = null) => ({ version, definition, restoredFrom });

describe(versionSummary.name, () => {
  const base = factory.agent({ microAgents: [factory.microAgent({ key: 'fetch' }), factory.microAgent({ key: 'post' })] });

  it('says what the version changed, micro agents by key first', () => {
    const next: AgentDefinition = {
      ...base,
      instructions: 'Be brief',
      microAgents: [factory.microAgent({ key: 'fetch', steps: [{ id: 'other', tool: 'text.render', args: { template: 'x' } }] }), factory.microAgent({ key: 'summarise' })],
    };
    expect(versionSummary(v(2, next), base)).toBe('micro agents added: summarise; removed: post; changed: fetch; also changed: instructions');
    expect(versionSummary(v(3, base), base)).toBe('no change');
    expect(versionSummary(v(4, base, 1), next)).toBe('restored version 1; micro agents added: post; removed: summarise; changed: fetch; also changed: instructions');
  });

  it('names the first version and a predecessor that was not kept', () => {
    expect(versionSummary(v(1, base))).toBe('created');
    expect(versionSummary(v(7, base))).toBe('version 6 was not kept, so the change is unknown');
  });
});
