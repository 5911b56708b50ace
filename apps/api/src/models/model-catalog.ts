import type { AppConfig } from '@flowmate/config';
import { modelChain, resolveModel, type AgentDefinition, type ModelChoice, type ResolvedModel } from '@flowmate/contracts';
import type { ValidationProblem } from '@flowmate/contracts/validation';
import { Injectable } from '@nestjs/common';
import { InjectConfig } from '../core/app-config.provider';

/** A model as `GET /models` lists it: the name agents write, and where it resolves. */
export interface CatalogModel extends ResolvedModel {
  name: string;
}

/** The configured models and which provider serves each name, read from MODEL_PROVIDERS and OPENAI_*. */
@Injectable()
export class ModelCatalog {
  readonly providers: AppConfig['models']['providers'];
  private readonly models: readonly CatalogModel[];

  constructor(@InjectConfig() config: AppConfig) {
    this.providers = config.models.providers;
    this.models = catalogOf(this.providers, config.models.defaultChain);
  }

  /** Each provider's listed models, and the default chain's names for a provider that lists none. */
  list(): readonly CatalogModel[] {
    return this.models;
  }

  /** The listed model a name resolves to (`gpt-4o-mini`, or `local/llama3` for provider `local`'s `llama3`). */
  find(name: string): CatalogModel | undefined {
    const resolved = resolveModel(this.providers, name);
    return resolved && this.list().find((entry) => entry.provider === resolved.provider && entry.model === resolved.model);
  }

  /** The model the health check of a provider without `/models` asks for one token. */
  probeModelOf(provider: string): string | undefined {
    return this.list().find((entry) => entry.provider === provider)?.model;
  }

  /**
   * Every model a definition names that no provider offers. Only when providers are configured: an agent may
   * be saved before any model is, and then fails at run time saying what to set.
   */
  problemsOf(definition: AgentDefinition): ValidationProblem[] {
    if (this.providers.length === 0) return [];
    return [
      ...this.choiceProblems(definition.model, 'model'),
      ...definition.microAgents.flatMap((microAgent, index) => [
        ...this.choiceProblems(microAgent.model, `microAgents[${index}].model`),
        ...(microAgent.steps ?? []).flatMap((step, stepIndex) =>
          step.tool === 'llm.generate' ? this.choiceProblems(literalChoice(step.args.model), `microAgents[${index}].steps[${stepIndex}].args.model`) : [],
        ),
      ]),
    ];
  }

  private choiceProblems(choice: ModelChoice | undefined, path: string): ValidationProblem[] {
    if (choice === undefined) return [];
    return modelChain(choice, []).flatMap((name, index) =>
      resolveModel(this.providers, name)
        ? []
        : [{ path: Array.isArray(choice) ? `${path}[${index}]` : path, message: `no configured provider offers the model "${name}" (GET /api/v1/models lists them)` }],
    );
  }
}

function catalogOf(providers: AppConfig['models']['providers'], defaultChain: readonly string[]): CatalogModel[] {
  const listed = providers.flatMap((provider) => (provider.models ?? []).map((model) => ({ name: model, provider: provider.name, model })));
  const fromDefault = defaultChain.flatMap((name) => {
    const resolved = resolveModel(providers, name);
    return resolved && !listed.some((entry) => entry.provider === resolved.provider && entry.model === resolved.model) ? [{ name, ...resolved }] : [];
  });
  return [...listed, ...fromDefault];
}

/** A model choice written literally; one that comes from a template is checked when it runs. */
function literalChoice(value: unknown): ModelChoice | undefined {
  const names = [value].flat();
  return names.length > 0 && names.every((name) => typeof name === 'string' && !name.includes('{{')) ? (value as ModelChoice) : undefined;
}
