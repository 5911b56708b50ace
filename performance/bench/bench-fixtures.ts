import { withDatabase } from '../../test/support/database';

/** `count` finished runs of the agent's owner, one a second back in time, one in fifty failed. */
export async function seedRuns(databaseUrl: string, agentId: string, count: number): Promise<void> {
  await withDatabase(databaseUrl, async (db) => {
    await db.query(
      `INSERT INTO agent_runs (user_id, agent_id, agent_version, trigger, status, workflow_id, created_at, started_at, finished_at)
       SELECT agent.user_id, agent.id, 1, 'manual', CASE WHEN n % 50 = 0 THEN 'failed' ELSE 'succeeded' END, 'seeded-' || n,
              now() - n * interval '1 second', now() - n * interval '1 second', now() - n * interval '1 second' + interval '300 milliseconds'
       FROM agents agent, generate_series(1, $2::int) n WHERE agent.id = $1`,
      [agentId, count],
    );
    await db.query('ANALYZE agent_runs');
  });
}
