import { downstreamOf, findCycles, planWaves, transitiveDependencies } from './agent-graph';

describe(planWaves.name, () => {
  it('puts independent micro agents in one wave and dependants after them', () => {
    const waves = planWaves([
      { key: 'post', dependsOn: ['a', 'b'] },
      { key: 'a' },
      { key: 'b' },
    ]);
    expect(waves.map((wave) => wave.map((node) => node.key))).toEqual([['a', 'b'], ['post']]);
  });

  it('refuses a cycle', () => {
    expect(() => planWaves([{ key: 'a', dependsOn: ['b'] }, { key: 'b', dependsOn: ['a'] }])).toThrow(/cycle/);
  });
});

describe(findCycles.name, () => {
  it('names the keys of a cycle in order', () => {
    expect(findCycles([{ key: 'a', dependsOn: ['c'] }, { key: 'b', dependsOn: ['a'] }, { key: 'c', dependsOn: ['b'] }])).toEqual([
      ['a', 'c', 'b', 'a'],
    ]);
  });
  it('finds a self-dependency', () => {
    expect(findCycles([{ key: 'a', dependsOn: ['a'] }])).toEqual([['a', 'a']]);
  });
  it('reads a duplicated key as its first occurrence', () => {
    expect(findCycles([{ key: 'a', dependsOn: ['b'] }, { key: 'b', dependsOn: ['a'] }, { key: 'a' }])).toEqual([['a', 'b', 'a']]);
  });
  it('finds none in a diamond', () => {
    expect(findCycles([{ key: 'a' }, { key: 'b', dependsOn: ['a'] }, { key: 'c', dependsOn: ['a'] }, { key: 'd', dependsOn: ['b', 'c'] }])).toEqual([]);
  });
});

describe(transitiveDependencies.name, () => {
  it('follows dependencies through others', () => {
    const nodes = [{ key: 'a' }, { key: 'b', dependsOn: ['a'] }, { key: 'c', dependsOn: ['b'] }, { key: 'd' }];
    expect([...transitiveDependencies(nodes, 'c')].sort()).toEqual(['a', 'b']);
  });
});

describe(downstreamOf.name, () => {
  const diamond = [{ key: 'a' }, { key: 'b', dependsOn: ['a'] }, { key: 'c', dependsOn: ['a'] }, { key: 'd', dependsOn: ['b', 'c'] }, { key: 'e' }];

  it('holds the key itself and every dependant, through others', () => {
    expect([...downstreamOf(diamond, 'b')].sort()).toEqual(['b', 'd']);
    expect([...downstreamOf(diamond, 'a')].sort()).toEqual(['a', 'b', 'c', 'd']);
  });
  it('leaves out independent micro agents and those the key depends on', () => {
    expect([...downstreamOf(diamond, 'd')]).toEqual(['d']);
    expect(downstreamOf(diamond, 'c').has('e')).toBe(false);
  });
  it('finds dependants listed before the ones they depend on', () => {
    expect([...downstreamOf([{ key: 'z', dependsOn: ['y'] }, { key: 'y', dependsOn: ['x'] }, { key: 'x' }], 'x')].sort()).toEqual(['x', 'y', 'z']);
  });
});
