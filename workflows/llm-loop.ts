import { DEFAULT_MAX_TOOL_CALLS, FAILURE_TYPES, localKeyOf, systemPromptOf, type LlmLoopState, type MicroAgentInput, type MicroAgentWorkflow } from '@flowmate/contracts';
import { ApplicationFailure, continueAsNew, workflowInfo } from '@temporalio/workflow';
import { llm, tools } from './activity-stubs';
import type { ApprovalGate } from './approval-gate';

/** Well before Temporal's 10,240 events: a turn with one tool call adds about a dozen. */
const HISTORY_EVENTS_BEFORE_CONTINUING = 2_000;
/** Unusable tool calls in a row that the model is told about (and may fix) before the micro agent fails. */
const MAX_REFUSED_IN_ROW = 3;

/**
 * An LLM micro agent: model call, the tool calls it asks for, model call … until it answers. The
 * workflow sees ids and counts only; prompts, arguments and results stay in Postgres. Returns the step
 * whose output is the answer, and how many steps (model and tool calls) the loop made.
 */
export async function runLlmLoop(input: MicroAgentInput, gate: ApprovalGate, onStep: (description: string) => void): Promise<{ outputStepId: string; stepsRun: number }> {
  const { runId, microAgent, agent } = input;
  const state: LlmLoopState = { ...(input.resume ?? { turn: 0, position: 0, toolCalls: 0, refusedInRow: 0 }) };
  const maxToolCalls = agent.limits?.maxToolCalls ?? DEFAULT_MAX_TOOL_CALLS;
  const model = microAgent.model ?? agent.model;
  for (;;) {
    state.turn += 1;
    const stepId = `llm-${state.turn}`;
    onStep(`step "${stepId}" (model call)`);
    const turn = await llm.callModel.executeWithOptions({ summary: `${stepId} · ${[model ?? 'default model'].flat().join(' → ')}` }, [
      {
        runId,
        microAgentKey: microAgent.key,
        stepId,
        position: state.position,
        model,
        tools: microAgent.tools,
        responseFormat: microAgent.responseFormat,
        maxTokens: agent.limits?.maxTokens,
        prompt: state.turn === 1 ? { system: systemPromptOf(agent, microAgent), dependsOn: (microAgent.dependsOn ?? []).map(localKeyOf) } : undefined,
        nextToolCall: { number: state.toolCalls + 1, position: state.position + 1 },
      },
    ]);
    state.position += 1 + turn.toolCalls.length;
    if (turn.final) return { outputStepId: stepId, stepsRun: state.turn + state.toolCalls };

    for (const call of turn.toolCalls) {
      state.toolCalls += 1;
      if (state.toolCalls > maxToolCalls) {
        throw ApplicationFailure.create({
          type: FAILURE_TYPES.maxToolCallsExceeded,
          message: `the model asked for more than limits.maxToolCalls (${maxToolCalls}) tool calls`,
          nonRetryable: true,
        });
      }
      if (!call.accepted || !call.tool) {
        state.refusedInRow += 1;
        if (state.refusedInRow > MAX_REFUSED_IN_ROW) {
          throw ApplicationFailure.create({
            type: FAILURE_TYPES.invalidToolArguments,
            message: `the model asked for unusable tool calls ${state.refusedInRow} times in a row`,
            nonRetryable: true,
          });
        }
        continue;
      }
      state.refusedInRow = 0;
      onStep(`step "${call.stepId}" (${call.tool})`);
      // A rejected call's step holds the rejection, which the model reads as the tool's result and can work around.
      if (gate.covers(call.tool) && !(await gate.pass({ runId, microAgentKey: microAgent.key, stepId: call.stepId, position: call.position, tool: call.tool }))) continue;
      await tools.runToolStep.executeWithOptions({ summary: `${call.stepId} · ${call.tool}` }, [
        { runId, microAgentKey: microAgent.key, stepId: call.stepId, position: call.position, tool: call.tool },
      ]);
    }

    const { historyLength, continueAsNewSuggested } = workflowInfo();
    if (continueAsNewSuggested || historyLength > HISTORY_EVENTS_BEFORE_CONTINUING) {
      await continueAsNew<MicroAgentWorkflow>({ ...input, resume: state });
    }
  }
}
