// How hard the cluster test pushes: `make test` runs the short plan (a few minutes); CLUSTER_TEST=long
// (`npm run test:cluster-long`) runs more counters, longer stretches between kills, and every kill
// three times, alternating the instance killed.
export interface ClusterTestPlan {
  /** Pharmacy counters running lifecycles one after the other. */
  workers: number;
  /** Steady traffic before each kill (and at the end). */
  steadyMs: number;
  /** How long a killed broker or instance stays down once its work has moved. */
  downMs: number;
  /** Times the whole sequence of kills (a broker, then an instance of each service) runs. */
  rounds: number;
}

const PLANS: Record<'short' | 'long', ClusterTestPlan> = {
  short: { workers: 4, steadyMs: 6_000, downMs: 4_000, rounds: 1 },
  long: { workers: 8, steadyMs: 20_000, downMs: 15_000, rounds: 3 },
};

/** The plan CLUSTER_TEST names (`short`, the default, or `long`); any other value stops the test, named. */
export function clusterTestPlan(value = process.env.CLUSTER_TEST ?? 'short'): ClusterTestPlan {
  if (value !== 'short' && value !== 'long')
    throw new Error(`CLUSTER_TEST=${JSON.stringify(value)} is refused: it takes \`short\` or \`long\``);
  return PLANS[value];
}
