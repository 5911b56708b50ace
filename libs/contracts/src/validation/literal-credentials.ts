import { isCredentialName } from '../credential-names';
import { isJsonObject } from '../json';
import { listTemplateReferences } from '../templates';
import { joinPath, type ValidationProblem } from './validation-problem';

const MESSAGE =
  'holds a literal credential; a definition is stored, exported and shown in plain text. Connect the integration (PUT /api/v1/integrations/<provider>) or store a secret (PUT /api/v1/secrets/<name>) and write {{secrets.<name>}} here';

/**
 * Credential-named fields whose value is written out rather than templated (`{{secrets.<name>}}`,
 * `Bearer {{secrets.<name>}}`): a token pasted into a definition would leak through every export,
 * version and log of it. Numbers (a model's `maxTokens`) are not credentials.
 */
export function literalCredentialProblems(value: unknown, path: string): ValidationProblem[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => literalCredentialProblems(item, joinPath(path, index)));
  if (!isJsonObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const at = joinPath(path, key);
    if (typeof item === 'string' && isCredentialName(key) && item.trim() !== '' && listTemplateReferences(item).length === 0) return [{ path: at, message: MESSAGE }];
    return literalCredentialProblems(item, at);
  });
}
