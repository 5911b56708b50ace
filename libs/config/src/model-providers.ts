import { plainToInstance } from 'class-transformer';
import { ArrayMinSize, IsArray, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, validateSync } from 'class-validator';

/** An OpenAI-compatible server: OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, a gateway. */
export interface ModelProviderConfig {
  name: string;
  /** OpenAI's own API when absent. */
  baseUrl?: string;
  /** Absent for local servers that ask for none. */
  apiKey?: string;
  /** The models it serves; absent when it takes any name (then only the default chain is listed as its models). */
  models?: string[];
}

/** The name of the provider that `OPENAI_API_KEY` / `OPENAI_BASE_URL` configure on their own. */
export const SHORTHAND_PROVIDER = 'openai';

class ModelProviderSetting implements ModelProviderConfig {
  @Matches(/^[a-z0-9][a-z0-9_-]{0,39}$/, { message: 'name must be 1 to 40 lower-case letters, digits, "-" or "_"' })
  name!: string;

  @IsOptional()
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'baseUrl must be an http(s) URL' })
  baseUrl?: string;

  @IsOptional()
  @IsString()
  apiKey?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  models?: string[];
}

export interface ModelSettings {
  /** `MODEL_PROVIDERS`, a JSON list. */
  providers?: string;
  openAiApiKey?: string;
  openAiBaseUrl?: string;
  /** `OPENAI_MODEL`: a model name or a comma-separated fallback chain. */
  defaultModel?: string;
}

/**
 * The providers a model name can resolve to: those `MODEL_PROVIDERS` lists, then the one `OPENAI_*` names
 * (called `openai`), when set. Throws one error listing every problem.
 */
export function parseModelProviders({ providers, openAiApiKey, openAiBaseUrl }: ModelSettings): ModelProviderConfig[] {
  const listed = providers ? parseProviderList(providers) : [];
  if (!openAiApiKey && !openAiBaseUrl) return listed;
  if (listed.some((provider) => provider.name === SHORTHAND_PROVIDER)) {
    throw new Error(`MODEL_PROVIDERS names a provider "${SHORTHAND_PROVIDER}" and OPENAI_API_KEY/OPENAI_BASE_URL configure one too; keep one of them`);
  }
  return [...listed, { name: SHORTHAND_PROVIDER, ...(openAiBaseUrl ? { baseUrl: openAiBaseUrl } : {}), ...(openAiApiKey ? { apiKey: openAiApiKey } : {}) }];
}

/** `OPENAI_MODEL` as the chain it names. */
export const parseDefaultModelChain = (value: string | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);

function parseProviderList(text: string): ModelProviderConfig[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error('MODEL_PROVIDERS must be JSON: a list of {name, baseUrl?, apiKey?, models?}');
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('MODEL_PROVIDERS must be a non-empty JSON list of {name, baseUrl?, apiKey?, models?}');
  const problems = parsed.flatMap((entry: unknown, index) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return [`MODEL_PROVIDERS[${index}] must be an object`];
    const errors = validateSync(plainToInstance(ModelProviderSetting, entry), { whitelist: true, forbidNonWhitelisted: true });
    return errors.flatMap((error) => Object.values(error.constraints ?? {}).map((message) => `MODEL_PROVIDERS[${index}]: ${message}`));
  });
  const names = parsed.map((entry: { name?: unknown }) => entry?.name);
  names.forEach((name, index) => {
    if (typeof name === 'string' && names.indexOf(name) !== index) problems.push(`MODEL_PROVIDERS[${index}]: the name "${String(name)}" is taken by an earlier provider`);
  });
  if (problems.length > 0) throw new Error(problems.join('\n- '));
  return (parsed as ModelProviderConfig[]).map(({ name, baseUrl, apiKey, models }) => ({ name, ...(baseUrl ? { baseUrl } : {}), ...(apiKey ? { apiKey } : {}), ...(models ? { models } : {}) }));
}
