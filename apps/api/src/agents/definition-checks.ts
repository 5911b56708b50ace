import type { AgentDefinition } from '@flowmate/contracts';
import { problemsInOneLine, runInputProblems, type ValidationProblem } from '@flowmate/contracts/validation';
import { Injectable } from '@nestjs/common';
import { ModelCatalog } from '../models/model-catalog';
import { gitHubEventInput } from '../webhooks/github-event';

/**
 * What a definition must satisfy on this installation, beyond its own shape: the models it names are
 * offered, and the input each of its webhook events would bring fits its `inputSchema`.
 */
@Injectable()
export class DefinitionChecks {
  constructor(private readonly models: ModelCatalog) {}

  problemsOf(definition: AgentDefinition): ValidationProblem[] {
    return [...this.models.problemsOf(definition), ...triggerInputProblems(definition)];
  }
}

function triggerInputProblems({ inputSchema, triggers = [] }: AgentDefinition): ValidationProblem[] {
  if (!inputSchema) return [];
  return triggers.flatMap((trigger, triggerIndex) =>
    trigger.events.flatMap((event, eventIndex) => {
      const [name, action = 'opened'] = event.split('.');
      const problems = runInputProblems(inputSchema, gitHubEventInput(name, examplePayload(name, action, trigger.repository)));
      if (problems.length === 0) return [];
      return [{ path: `triggers[${triggerIndex}].events[${eventIndex}]`, message: `the input of a "${event}" event would not fit inputSchema: ${problemsInOneLine(problems)}` }];
    }),
  );
}

/** A representative delivery of `event`: what a real one carries, field for field, with made-up values. */
function examplePayload(event: string, action: string, repository: string) {
  const subject = event.startsWith('pull_request') ? 'pull_request' : event === 'issues' || event === 'issue_comment' ? 'issue' : undefined;
  return {
    action,
    repository: { full_name: repository },
    sender: { login: 'octocat' },
    ...(subject ? { [subject]: { number: 1, title: 'Example', html_url: `https://github.com/${repository}/issues/1`, labels: [{ name: 'example' }] } } : {}),
  };
}
