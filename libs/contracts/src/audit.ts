/** What the audit log records: every change a person (or FlowMate on their behalf) makes to their objects. */
export const AUDIT_ACTIONS = [
  'agent.created',
  'agent.imported',
  'agent.updated',
  'agent.deleted',
  'agent.restored',
  'agent.purged',
  'run.started',
  'run.rerun',
  'run.cancelled',
  'approval.decided',
  'integration.connected',
  'integration.removed',
  'secret.stored',
  'secret.removed',
  'schedule.saved',
  'schedule.deleted',
  'user.signed_in',
  'api_key.created',
  'api_key.revoked',
  /** The tombstone an account deletion leaves: the user's id, nothing personal. */
  'user.deleted',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const AUDIT_OBJECT_TYPES = ['agent', 'run', 'approval', 'integration', 'secret', 'schedule', 'user', 'api_key'] as const;
export type AuditObjectType = (typeof AUDIT_OBJECT_TYPES)[number];
