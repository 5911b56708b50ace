import { armFailpoints, noFailpoints } from './failpoints';

describe(armFailpoints.name, () => {
  it('refuses names it does not know, listing the known ones', () => {
    expect(() => armFailpoints(['tool-result-stord'])).toThrow(/unknown failpoints: tool-result-stord \(known: tool-result-stored\)/);
  });

  it('arms nothing for an empty list', () => {
    expect(armFailpoints([])).toBe(noFailpoints);
  });
});
