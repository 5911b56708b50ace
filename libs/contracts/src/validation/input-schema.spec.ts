import { declaredInputs, inputSchemaProblems, runInputProblems } from './input-schema';

describe('input schemas', () => {
  const schema = { type: 'object', properties: { team: { type: 'string' }, since: { type: 'string', format: 'date' } }, required: ['team'], additionalProperties: false };

  it('accepts a strict JSON Schema of an object, formats included, and names what it declares', () => {
    expect(inputSchemaProblems(schema, 'inputSchema')).toEqual([]);
    expect([...declaredInputs(schema)]).toEqual(['team', 'since']);
    expect(inputSchemaProblems({ type: 'array' }, 'inputSchema')).toEqual([{ path: 'inputSchema.type', message: expect.stringContaining('"object"') }]);
    expect(inputSchemaProblems({ type: 'object', required: ['team'] }, 'inputSchema')).toEqual([{ path: 'inputSchema', message: expect.stringContaining('strict mode') }]);
  });

  it('lists every way an input does not fit, by path; a schema that does not compile fits nothing', () => {
    expect(runInputProblems(schema, { team: 'web', since: '2026-12-01' })).toEqual([]);
    expect(runInputProblems(schema, { since: 'yesterday', extra: true })).toHaveLength(3);
    expect(runInputProblems(schema, { since: 'yesterday', extra: true })).toEqual(
      expect.arrayContaining([
        { path: 'input.extra', message: 'is not declared in the agent’s inputSchema' },
        { path: 'input.team', message: 'is required' },
        { path: 'input.since', message: 'must match format "date"' },
      ]),
    );
    expect(runInputProblems({ type: 'object', required: ['x'] }, {})).toEqual([{ path: 'inputSchema', message: expect.stringContaining('does not compile') }]);
  });
});
