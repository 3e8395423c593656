/**
 * Runs the two loads of one benchmark round, the baseline first in odd
 * rounds and the candidate first in even ones. Whatever drifts within a
 * round on a shared machine (a neighbour's job starting, CPU credit running
 * out, the load generator warming up) then weighs on each server alike,
 * instead of always on the one measured second.
 */
export async function inAlternatingOrder<T>(
  round: number,
  loadBaseline: () => Promise<T>,
  loadCandidate: () => Promise<T>,
): Promise<[baseline: T, candidate: T]> {
  if (round % 2 === 1) {
    const baseline = await loadBaseline();
    return [baseline, await loadCandidate()];
  }
  const candidate = await loadCandidate();
  return [await loadBaseline(), candidate];
}
