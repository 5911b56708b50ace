import type { ModelCallRecord } from '@flowmate/contracts';
import type { ApplicationFailure } from '@temporalio/common';

/** Every model of the chain failed, or one failed in a way no other model would fix; `failure` is what Temporal sees. */
export class ModelChainFailed extends Error {
  override readonly name = 'ModelChainFailed';

  constructor(
    readonly calls: ModelCallRecord[],
    readonly failure: ApplicationFailure,
  ) {
    super(failure.message);
  }
}
